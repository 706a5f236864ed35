"""The scheduler, driven by a manual clock: no test sleeps."""

from __future__ import annotations

import random

import anyio
import pytest

from autocode_core import ManualClock, Scheduler

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param


async def settle() -> None:
    """Let every runnable task run (async task functions only: no threads involved)."""
    for _ in range(50):
        await anyio.lowlevel.checkpoint()


class Recorder:
    """An async task function that records the clock time of each call."""

    def __init__(self, clock: ManualClock, block: anyio.Event | None = None) -> None:
        self.clock, self.block, self.calls = clock, block, []

    async def __call__(self) -> None:
        self.calls.append(self.clock.now())
        if self.block is not None:
            await self.block.wait()


def test_seed_task_management() -> None:  # the design document's unit test, as written
    scheduler = Scheduler()
    scheduler.add_task("test", lambda: None, 60)
    assert "test" in scheduler.tasks


def test_unknown_names_raise_keyerror() -> None:
    scheduler = Scheduler()
    for method in (scheduler.remove_task, scheduler.enable_task, scheduler.disable_task,
                   scheduler.pause_task, scheduler.resume_task, scheduler.get_task_status):
        with pytest.raises(KeyError, match="nope"):
            method("nope")
    with pytest.raises(KeyError):
        scheduler.update_task_interval("nope", 5)


def test_bad_intervals_and_duplicates_are_rejected() -> None:
    scheduler = Scheduler()
    scheduler.add_task("a", lambda: None, 1)
    with pytest.raises(ValueError, match="already exists"):
        scheduler.add_task("a", lambda: None, 1)
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError):
            scheduler.add_task("b", lambda: None, bad)


async def test_runs_at_start_then_every_interval() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock)
    rec = Recorder(clock)
    scheduler.add_task("t", rec, 60)
    async with anyio.create_task_group() as tg:
        await tg.start(scheduler.run)
        await settle()
        assert rec.calls == [0]
        for _ in range(3):
            clock.advance(60)
            await settle()
        assert rec.calls == [0, 60, 120, 180]
        assert scheduler.get_task_status("t")["run_count"] == 4
        scheduler.stop()


async def test_no_first_run_when_configured_and_disabled_tasks_never_run() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock, run_at_start=False)
    rec, off = Recorder(clock), Recorder(clock)
    scheduler.add_task("t", rec, 10)
    scheduler.add_task("off", off, 10, enabled=False)
    async with anyio.create_task_group() as tg:
        await tg.start(scheduler.run)
        await settle()
        assert rec.calls == []
        clock.advance(10)
        await settle()
        assert rec.calls == [10] and off.calls == []
        assert scheduler.get_active_tasks() == ["t"]
        scheduler.stop()


async def test_never_overlaps_and_missed_ticks_coalesce_into_one_run() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock)
    block = anyio.Event()
    rec = Recorder(clock, block)
    scheduler.add_task("slow", rec, 10)
    async with anyio.create_task_group() as tg:
        await tg.start(scheduler.run)
        await settle()
        for _ in range(5):  # 50 s pass while the first run is stuck
            clock.advance(10)
            await settle()
        assert rec.calls == [0]
        assert scheduler.get_task_status("slow")["running"] is True
        rec.block = None
        block.set()
        await settle()
        assert rec.calls == [0, 50]  # one catch-up run, not five
        assert scheduler.get_task_status("slow")["coalesced_runs"] == 4
        clock.advance(10)
        await settle()
        assert rec.calls == [0, 50, 60]
        scheduler.stop()


async def test_pause_resume_enable_disable_and_interval_change() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock)
    rec = Recorder(clock)
    scheduler.add_task("t", rec, 10)
    async with anyio.create_task_group() as tg:
        await tg.start(scheduler.run)
        await settle()
        scheduler.pause_task("t")
        clock.advance(30)
        await settle()
        assert rec.calls == [0]
        scheduler.resume_task("t")
        await settle()
        assert rec.calls == [0, 30]
        scheduler.update_task_interval("t", 100)
        clock.advance(50)
        await settle()
        assert rec.calls == [0, 30]
        clock.advance(50)
        await settle()
        assert rec.calls == [0, 30, 130]
        scheduler.disable_task("t")
        clock.advance(500)
        await settle()
        assert rec.calls == [0, 30, 130]
        scheduler.enable_task("t")
        await settle()
        assert rec.calls == [0, 30, 130, 630]
        scheduler.remove_task("t")
        clock.advance(500)
        await settle()
        assert len(rec.calls) == 4
        scheduler.stop()


async def test_failing_task_is_logged_and_rescheduled() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock)
    calls = []

    async def boom() -> None:
        calls.append(clock.now())
        raise RuntimeError("kaput")

    scheduler.add_task("boom", boom, 5)
    async with anyio.create_task_group() as tg:
        await tg.start(scheduler.run)
        await settle()
        clock.advance(5)
        await settle()
        status = scheduler.get_task_status("boom")
        assert calls == [0, 5]
        assert status["error_count"] == 2 and status["last_error"] == "RuntimeError: kaput"
        scheduler.stop()


async def test_sync_functions_run_off_the_event_loop() -> None:
    import threading

    clock = ManualClock()
    scheduler = Scheduler(clock=clock)
    loop_thread = threading.get_ident()
    threads = []
    done = anyio.Event()

    def work() -> None:
        threads.append(threading.get_ident())

    async def watcher() -> None:
        while not threads:
            await anyio.sleep(0.01)
        done.set()

    scheduler.add_task("sync", work, 60)
    async with anyio.create_task_group() as tg:
        await tg.start(scheduler.run)
        tg.start_soon(watcher)
        with anyio.fail_after(5):
            await done.wait()
        assert threads and threads[0] != loop_thread
        scheduler.stop()


async def test_jitter_delays_runs_within_bounds() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock, jitter_seconds=5, rng=random.Random(7))
    rec = Recorder(clock)
    scheduler.add_task("t", rec, 60)
    async with anyio.create_task_group() as tg:
        await tg.start(scheduler.run)
        for _ in range(200):
            clock.advance(1)
            await settle()
        scheduler.stop()
    gaps = [b - a for a, b in zip(rec.calls, rec.calls[1:])]
    assert rec.calls[0] <= 5
    assert gaps and all(60 <= g <= 66 for g in gaps)
    assert len(set(gaps)) > 1


async def test_can_be_stopped_and_started_again() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock)
    rec = Recorder(clock)
    scheduler.add_task("t", rec, 10)
    for _ in range(2):
        async with anyio.create_task_group() as tg:
            await tg.start(scheduler.run)
            assert scheduler.is_running()
            await settle()
            scheduler.stop()
        assert not scheduler.is_running()
    assert len(rec.calls) == 2
    assert scheduler.get_all_tasks_status()["t"]["run_count"] == 2


async def test_stop_cancels_a_run_in_progress() -> None:
    clock = ManualClock()
    scheduler = Scheduler(clock=clock)
    rec = Recorder(clock, anyio.Event())  # never released
    scheduler.add_task("stuck", rec, 10)
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            await tg.start(scheduler.run)
            await settle()
            scheduler.stop()
    assert not scheduler.is_running()
