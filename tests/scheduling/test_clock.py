"""The manual clock tests use, and the system clock."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from autocode_core import ManualClock, SystemClock

pytestmark = pytest.mark.anyio


async def test_manual_clock_wakes_sleepers_only_when_due() -> None:
    clock = ManualClock(start=100)
    woke: list[float] = []

    async def sleeper(deadline: float) -> None:
        await clock.sleep_until(deadline)
        woke.append(clock.now())

    async with anyio.create_task_group() as tg:
        tg.start_soon(sleeper, 110)
        tg.start_soon(sleeper, 120)
        await anyio.wait_all_tasks_blocked()
        clock.advance(5)
        await anyio.wait_all_tasks_blocked()
        assert woke == []
        clock.advance(5)
        await anyio.wait_all_tasks_blocked()
        assert woke == [110]
        clock.advance(30)
    assert woke == [110, 140]


async def test_manual_clock_wall_time_moves_with_it() -> None:
    clock = ManualClock()
    before = clock.wall()
    clock.advance(90)
    assert clock.wall() - before == timedelta(seconds=90)
    await clock.sleep_until(0)  # a past deadline returns at once


async def test_system_clock_sleeps_until_the_deadline() -> None:
    clock = SystemClock()
    start = clock.now()
    await clock.sleep_until(start + 0.05)
    assert clock.now() - start >= 0.05
    assert clock.wall().tzinfo is not None
