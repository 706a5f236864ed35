"""Daemon events for live clients (the HTTP event stream, dashboards, embedding apps).

``EventBus.subscribe`` returns a receive stream; every event published after
that reaches it. A subscriber that falls ``buffer`` events behind is dropped
(its stream ends) rather than slow the daemon down or grow its memory.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from pydantic import BaseModel, Field

from autocode_core.models import CheckResult, utc_now

__all__ = ["CHANGED_PATHS_SHOWN", "DaemonEvent", "EventBus", "EventType", "changed_paths_data"]

#: at most this many changed paths are listed in an event's ``data`` (all are counted)
CHANGED_PATHS_SHOWN = 20


def changed_paths_data(paths: frozenset[str] | None) -> dict[str, Any]:
    """The ``data`` keys of a change-triggered run's events: ``changed_paths`` (the first
    ``CHANGED_PATHS_SHOWN``, sorted) and ``changed_count`` (all); nothing for other runs."""
    if paths is None:
        return {}
    return {"changed_paths": sorted(paths)[:CHANGED_PATHS_SHOWN], "changed_count": len(paths)}

EventType = Literal["check_started", "check_completed", "config_changed", "task_changed", "check_progress"]


class DaemonEvent(BaseModel):
    """Something that happened in the daemon.

    ``trigger`` says why a check ran; a change-triggered run's events carry
    ``data["changed_paths"]`` (the first 20, sorted) and ``data["changed_count"]``.
    """

    type: EventType
    timestamp: datetime = Field(default_factory=utc_now)
    check_name: str | None = None
    trigger: str | None = None
    result: CheckResult | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class EventBus:
    """Fan-out of ``DaemonEvent``s to any number of subscribers."""

    def __init__(self) -> None:
        self._subscribers: list[MemoryObjectSendStream[DaemonEvent]] = []

    @property
    def subscriber_count(self) -> int:
        """How many subscribers are attached."""
        return len(self._subscribers)

    def subscribe(self, buffer: int = 256) -> MemoryObjectReceiveStream[DaemonEvent]:
        """A stream of the events published from now on; close it to unsubscribe.

        Call it on the event loop that publishes (the daemon's).
        """
        send, receive = anyio.create_memory_object_stream[DaemonEvent](buffer)
        self._subscribers.append(send)
        return receive

    def publish(self, event: DaemonEvent) -> None:
        """Deliver ``event`` to every subscriber without waiting."""
        for send in list(self._subscribers):
            try:
                send.send_nowait(event)
            except (anyio.WouldBlock, anyio.BrokenResourceError, anyio.ClosedResourceError):
                send.close()  # too far behind, or the subscriber closed its end: drop it
                self._subscribers.remove(send)

    def close(self) -> None:
        """End every subscriber's stream."""
        for send in self._subscribers:
            send.close()
        self._subscribers.clear()
