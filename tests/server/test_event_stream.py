"""GET /api/events: Server-Sent Events through a real server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx


def frames(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """SSE frames as dicts: ``comment``, or ``event`` with parsed ``data``."""
    frame: dict[str, Any] = {}
    for line in lines:
        if line == "":
            if frame and set(frame) != {"retry"}:
                yield frame
            frame = {}
        elif line.startswith(":"):
            yield {"comment": line[1:].strip()}
        else:
            key, _, value = line.partition(": ")
            frame[key] = json.loads(value) if key == "data" else value


def next_event(stream: Iterator[dict[str, Any]], kind: str) -> dict[str, Any]:
    for frame in stream:
        if frame.get("event") == kind:
            return frame
    raise AssertionError(f"stream ended before {kind}")


def test_run_events_carry_the_compact_result(server: Any) -> None:
    with (
        httpx.Client(base_url=server.url, timeout=5) as client,
        client.stream("GET", "/api/events") as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = frames(response.iter_lines())
        assert next(stream) == {"comment": "connected"}
        server.client.post("/api/checks/quick_check/run?wait=false").raise_for_status()
        started = next_event(stream, "check_started")
        assert (
            started["data"]["check_name"] == "quick_check" and started["data"]["trigger"] == "api"
        )
        completed = next_event(stream, "check_completed")["data"]
        result = completed["result"]
        assert result["status"] == "warning"
        assert result["message"] == "⚠️ 3 documents need attention"
        assert result["summary"]["counts"]["outdated"] == 2
        assert "details" not in result and "entries" not in result["summary"]
        assert "diff" not in json.dumps(completed)


def test_config_and_task_changes_are_events(server: Any) -> None:
    with (
        httpx.Client(base_url=server.url, timeout=5) as client,
        client.stream("GET", "/api/events") as response,
    ):
        stream = frames(response.iter_lines())
        next(stream)
        server.client.patch(
            "/api/config", json={"daemon": {"quick_check": {"interval_minutes": 2}}}
        )
        assert next_event(stream, "config_changed")["data"]["type"] == "config_changed"
        server.client.post("/api/scheduler/tasks/async_check/pause")
        changed = next_event(stream, "task_changed")["data"]
        assert changed["check_name"] == "async_check" and changed["data"] == {"paused": True}


def test_quiet_streams_get_pings(server: Any) -> None:
    server.http.app.state.ping_seconds = 0.2
    with (
        httpx.Client(base_url=server.url, timeout=5) as client,
        client.stream("GET", "/api/events") as response,
    ):
        stream = frames(response.iter_lines())
        assert next(stream) == {"comment": "connected"}
        assert next(stream) == {"comment": "ping"}


def test_the_stream_ends_when_the_daemon_stops(server: Any, test_plugins: Any) -> None:
    server.client.post("/api/checks/gated_check/run?wait=false").raise_for_status()
    with (
        httpx.Client(base_url=server.url, timeout=10) as client,
        client.stream("GET", "/api/events") as response,
    ):
        stream = frames(response.iter_lines())
        next(stream)
        began = time.monotonic()
        threading.Thread(target=server.daemon.stop).start()
        rest = list(stream)
        assert all("event" not in f or f["event"] != "check_started" for f in rest)
        assert time.monotonic() - began < 8


def test_a_closed_client_unsubscribes(server: Any) -> None:
    bus = server.daemon.events
    base = bus.subscriber_count  # the /mcp endpoint (mcp extra) listens for completed runs itself
    with (
        httpx.Client(base_url=server.url, timeout=5) as client,
        client.stream("GET", "/api/events") as response,
    ):
        next(frames(response.iter_lines()))
        assert bus.subscriber_count == base + 1
    server.client.post(
        "/api/checks/quick_check/run"
    ).raise_for_status()  # a send notices the gone client
    server.wait_for(lambda: bus.subscriber_count == base)
