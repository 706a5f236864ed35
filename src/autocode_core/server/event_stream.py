"""``GET /api/events``: the daemon's events as Server-Sent Events.

Each event is ``event: <type>`` with a JSON ``data`` line: check started,
check completed (with the compact result, never the bulky details), config
changed, task changed. At most ``api.max_event_clients`` streams are served at
once (503 past it). A comment line is sent every ``ping_seconds`` so
proxies keep the connection and a vanished client is noticed. A client that
falls too far behind is dropped by the daemon's event bus: its stream ends and
``EventSource`` reconnects.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from autocode_core.daemon.events import DaemonEvent
from autocode_core.server.payloads import compact_result

__all__ = ["event_data", "router"]

router = APIRouter(prefix="/api", tags=["events"])
POLL_SECONDS = 0.5  # how often a quiet stream looks at the server's shutdown flag
RETRY_MS = 3000


def event_data(event: DaemonEvent) -> dict[str, Any]:
    """The JSON sent for ``event``."""
    return {
        "type": event.type,
        "timestamp": event.timestamp.isoformat(),
        "check_name": event.check_name,
        "trigger": event.trigger,
        "result": compact_result(event.result),
        "data": event.data,
    }


async def _frames(request: Request) -> AsyncIterator[str]:
    state = request.app.state
    stream = state.daemon.events.subscribe()
    state.event_clients += 1
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        counter = 0
        last_sent = time.monotonic()
        while not state.closing.is_set():
            event: DaemonEvent | None = None
            with anyio.move_on_after(POLL_SECONDS):
                try:
                    event = await stream.receive()
                except (anyio.EndOfStream, anyio.ClosedResourceError):
                    return
            if event is not None:
                counter += 1
                data = json.dumps(event_data(event), ensure_ascii=False, default=str)
                yield f"id: {counter}\nevent: {event.type}\ndata: {data}\n\n"
                last_sent = time.monotonic()
            elif time.monotonic() - last_sent >= state.ping_seconds:
                yield ": ping\n\n"
                last_sent = time.monotonic()
    finally:
        state.event_clients -= 1
        stream.close()  # unsubscribes: the bus drops (and closes) our send side


@router.get(
    "/events",
    summary="Server-Sent Events: check_started, check_progress, check_completed, config_changed, task_changed",
    response_class=StreamingResponse,
)
async def events(request: Request) -> StreamingResponse:
    state = request.app.state
    if state.event_clients >= state.max_event_clients:
        raise HTTPException(
            503, f"too many event-stream clients ({state.max_event_clients}, api.max_event_clients)"
        )
    return StreamingResponse(
        _frames(request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
