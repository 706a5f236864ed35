"""The event bus: fan-out, unsubscribe, slow subscribers dropped."""

from __future__ import annotations

import pytest

from autocode_core.daemon.events import DaemonEvent, EventBus

pytestmark = pytest.mark.anyio


async def test_every_subscriber_gets_every_event() -> None:
    bus = EventBus()
    first, second = bus.subscribe(), bus.subscribe()
    bus.publish(DaemonEvent(type="config_changed"))
    bus.publish(DaemonEvent(type="check_started", check_name="c", trigger="api"))
    for stream in (first, second):
        assert [(await stream.receive()).type for _ in range(2)] == ["config_changed", "check_started"]
    first.close()
    bus.publish(DaemonEvent(type="config_changed"))
    assert bus.subscriber_count == 1
    bus.close()
    with second:
        assert (await second.receive()).type == "config_changed"
        assert [e async for e in second] == []


async def test_a_subscriber_that_falls_behind_is_dropped() -> None:
    bus = EventBus()
    slow = bus.subscribe(buffer=2)
    for _ in range(3):
        bus.publish(DaemonEvent(type="config_changed"))
    assert bus.subscriber_count == 0
    with slow:
        assert len([e async for e in slow]) == 2
