"""The daemon's controls: live configuration and per-check scheduling, from any thread."""

from __future__ import annotations

import anyio
import pytest

from autocode_core import (
    CheckNotFoundError,
    CheckPlugin,
    CheckResult,
    ConfigError,
    ManualClock,
    hookimpl,
)
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio


class Counter(CheckPlugin):
    name = "count_check"
    interval_minutes = 1
    runs = 0

    def execute(self, context):
        type(self).runs += 1
        return CheckResult(status="success", message=f"run {type(self).runs}")


class Broken:
    @hookimpl
    def get_config(self):
        raise RuntimeError("cannot describe myself")

    @hookimpl
    def execute(self):
        pass


class Sleepy:
    @hookimpl
    async def on_check_completed(self, check_name):
        await anyio.sleep(0.6)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    Counter.runs = 0


def daemon_of(tmp_path, *plugins, config=None, **kwargs):
    h = AutocodeHarness()
    for plugin in (Counter, *plugins):
        h.register(plugin[1], plugin[0]) if isinstance(plugin, tuple) else h.register(plugin)
    return h.daemon(tmp_path, config or {"daemon": {"run_at_start": False}}, **kwargs)


def received(events) -> list:
    got = []
    while True:
        try:
            got.append(events.receive_nowait())
        except anyio.WouldBlock:
            return got


async def until(condition, timeout: float = 5) -> None:
    with anyio.fail_after(timeout):
        while not condition():
            await anyio.sleep(0.01)


async def test_an_update_applies_entirely_or_not_at_all(tmp_path) -> None:
    daemon = daemon_of(tmp_path)
    async with daemon:
        with daemon.events.subscribe() as events:
            with pytest.raises(ConfigError) as caught:
                daemon.update_config(
                    {
                        "daemon": {
                            "jitter_seconds": 3,
                            "count_check": {"interval_minutes": 4},
                            "max_concurrent_checks": 0,
                        }
                    }
                )
            assert [p.loc for p in caught.value.problems] == [("daemon", "max_concurrent_checks")]
            snap = daemon.snapshot().checks["count_check"].schedule
            assert snap.interval_seconds == 60 and daemon.scheduler.jitter_seconds == 0
            assert daemon.config.daemon.jitter_seconds == 0
            assert received(events) == []
            daemon.update_config(
                {"daemon": {"jitter_seconds": 3, "count_check": {"interval_minutes": 4}}}
            )
            assert daemon.snapshot().checks["count_check"].schedule.interval_seconds == 240
            assert daemon.scheduler.jitter_seconds == 3
            assert [e.type for e in received(events)] == ["config_changed"]


async def test_an_update_from_another_thread_is_applied_on_the_daemons_loop(tmp_path) -> None:
    clock = ManualClock()
    daemon = daemon_of(tmp_path, clock=clock)
    async with daemon:
        with daemon.events.subscribe() as events:
            await anyio.to_thread.run_sync(
                daemon.update_config, {"daemon": {"count_check": {"interval_minutes": 2}}}
            )
            assert daemon.snapshot().checks["count_check"].schedule.interval_seconds == 120
            await until(lambda: events.statistics().current_buffer_used == 1)
            assert [e.type for e in received(events)] == ["config_changed"]
            clock.advance(120)  # the new interval drives the scheduler
            await until(lambda: Counter.runs == 1)


async def test_pause_holds_the_schedule_but_not_manual_runs(tmp_path) -> None:
    clock = ManualClock()
    daemon = daemon_of(tmp_path, clock=clock)
    async with daemon:
        with daemon.events.subscribe() as events:
            daemon.pause_check("count_check")
            assert daemon.snapshot().checks["count_check"].schedule.paused is True
            clock.advance(600)
            await anyio.sleep(0.2)
            assert Counter.runs == 0
            assert (await daemon.run_check("count_check")).message == "run 1"
            daemon.resume_check("count_check")  # ten missed ticks become one run
            await until(lambda: Counter.runs == 2)
            await anyio.sleep(0.2)
            assert (
                Counter.runs == 2
                and daemon.snapshot().checks["count_check"].schedule.paused is False
            )
            changes = [e.data for e in received(events) if e.type == "task_changed"]
            assert changes == [{"paused": True}, {"paused": False}]


async def test_enable_check_is_the_daemon_enabled_key(tmp_path) -> None:
    daemon = daemon_of(tmp_path)
    daemon.enable_check("count_check", False)  # no daemon running: applied at once
    assert daemon.enabled_checks() == [] and daemon.config.daemon.count_check.enabled is False
    assert daemon.snapshot().checks["count_check"].schedule.enabled is False
    async with daemon:
        daemon.enable_check("count_check")
        assert daemon.enabled_checks() == ["count_check"]
        assert daemon.snapshot().active_tasks == 1


async def test_controls_refuse_unknown_and_failed_checks(tmp_path) -> None:
    daemon = daemon_of(tmp_path, ("broken_check", Broken()))
    for control in (daemon.pause_check, daemon.resume_check, daemon.enable_check):
        for name in ("nope", "broken_check"):
            with pytest.raises(CheckNotFoundError, match="known: broken_check, count_check"):
                control(name)


async def test_a_new_listener_timeout_reaches_a_running_daemon(tmp_path) -> None:
    daemon = daemon_of(
        tmp_path,
        ("sleepy", Sleepy()),
        config={"daemon": {"run_at_start": False, "listener_timeout_seconds": 10}},
    )
    async with daemon:
        await daemon.run_check("count_check")
        await anyio.sleep(0.8)
        assert daemon.snapshot().listener_failures == {}
        daemon.update_config({"daemon": {"listener_timeout_seconds": 0.1}})
        await daemon.run_check("count_check")
        await until(lambda: daemon.snapshot().listener_failures == {"sleepy": 1})
