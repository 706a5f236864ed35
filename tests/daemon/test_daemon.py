"""The daemon: lifecycle, scheduling, limits, listeners and live configuration."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anyio
import pytest

from autocode_core import (
    AutocodeConfig,
    AutocodeDaemon,
    CheckNotFoundError,
    CheckPlugin,
    CheckResult,
    ConfigError,
    DaemonAlreadyRunningError,
    DaemonConfig,
    ManualClock,
    hookimpl,
)
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param


class Counter(CheckPlugin):
    """Counts its runs; settings.word goes in the message."""

    name = "count_check"
    interval_minutes = 1
    runs = 0

    def execute(self, context):
        type(self).runs += 1
        word = getattr(context.settings, "word", "run")
        return CheckResult(status="success", message=f"{word} {type(self).runs}")


class Slow(CheckPlugin):
    """Takes 0.3 s (async) and tracks how many of its kind run at once."""

    name = "slow_a"
    active = 0
    peak = 0
    calls = 0

    async def execute(self, context):
        Slow.active += 1
        Slow.calls += 1
        Slow.peak = max(Slow.peak, Slow.active)
        try:
            await anyio.sleep(0.3)
        finally:
            Slow.active -= 1
        return CheckResult(status="success", message="slow done")


class SlowB(Slow):
    name = "slow_b"


class SlowC(Slow):
    name = "slow_c"


class Events:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    @hookimpl
    def on_check_completed(self, check_name, result):
        self.seen.append((check_name, result.status))


class Raising:
    @hookimpl
    def on_check_completed(self, check_name):
        raise RuntimeError("listener bug")


class Sluggish:
    @hookimpl
    async def on_check_completed(self, check_name):
        await anyio.sleep(2)


@pytest.fixture(autouse=True)
def _reset_counters():
    Counter.runs = 0
    Slow.active = Slow.peak = Slow.calls = 0


def make(tmp_path: Path, *plugins, config=None, clock=None) -> AutocodeDaemon:
    h = AutocodeHarness()
    for plugin in plugins:
        h.register(plugin[1], plugin[0]) if isinstance(plugin, tuple) else h.register(plugin)
    return h.daemon(tmp_path, config, clock=clock)


async def test_scheduled_runs_results_and_listeners(tmp_path) -> None:
    clock = ManualClock()
    events = Events()
    daemon = make(tmp_path, Counter, ("events", events), clock=clock)
    async with anyio.create_task_group() as tg:
        await tg.start(daemon.run)
        assert daemon.is_running() and daemon.start_time is not None
        with anyio.fail_after(5):
            while daemon.total_checks_run < 1:
                await anyio.sleep(0.01)
        clock.advance(60)
        with anyio.fail_after(5):
            while daemon.total_checks_run < 2 or len(events.seen) < 2:
                await anyio.sleep(0.01)
        daemon.stop()
    assert not daemon.is_running() and daemon.start_time is None
    assert daemon.results["count_check"].message == "run 2"
    assert events.seen == [("count_check", "success"), ("count_check", "success")]
    assert (tmp_path / ".autocode" / ".gitignore").read_text().splitlines()[-1] == "*"


async def test_async_with_and_a_second_daemon_is_refused(tmp_path) -> None:
    async with make(tmp_path, Counter) as daemon:
        assert daemon.is_running()
        other = make(tmp_path, Counter)
        with pytest.raises(DaemonAlreadyRunningError, match="already running"):
            async with other:
                pass
    assert not daemon.is_running()
    async with make(tmp_path, Counter) as again:  # the lock was released
        assert again.is_running()


async def test_concurrency_limit_and_live_update(tmp_path) -> None:
    daemon = make(tmp_path, Slow, SlowB, SlowC, config={"daemon": {"max_concurrent_checks": 2}})

    async def all_three() -> None:
        async with anyio.create_task_group() as tg:
            for name in ("slow_a", "slow_b", "slow_c"):
                tg.start_soon(daemon.run_check, name)

    await all_three()
    assert Slow.peak == 2
    Slow.peak = 0
    daemon.update_config({"daemon": {"max_concurrent_checks": 3}})
    await all_three()
    assert Slow.peak == 3


async def test_a_run_in_progress_is_joined_not_repeated(tmp_path) -> None:
    daemon = make(tmp_path, Slow)
    results = []

    async def one() -> None:
        results.append(await daemon.run_check("slow_a"))

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(one)
    assert Slow.calls == 1 and daemon.total_checks_run == 1
    assert results[0] is results[1] is results[2]


async def test_listeners_are_isolated_and_never_delay_checks(tmp_path) -> None:
    events = Events()
    daemon = make(
        tmp_path, Counter, ("raising", Raising()), ("sluggish", Sluggish()), ("events", events),
        config={"daemon": {"run_at_start": False, "listener_timeout_seconds": 0.5}},
    )
    async with daemon:
        started = time.monotonic()
        for _ in range(3):
            await daemon.run_check("count_check")
        assert time.monotonic() - started < 1.0  # the 2 s listener did not hold anything up
        with anyio.fail_after(5):
            while len(events.seen) < 3:
                await anyio.sleep(0.01)
    assert daemon.plugins is not None and len(events.seen) == 3


async def test_unknown_check_and_failed_plugin(tmp_path) -> None:
    class Broken:
        @hookimpl
        def get_config(self):
            raise RuntimeError("cannot describe myself")

        @hookimpl
        def execute(self):
            pass

    daemon = make(tmp_path, Counter, ("broken_check", Broken()))
    with pytest.raises(CheckNotFoundError, match="known: broken_check, count_check"):  # failed loads are known
        await daemon.run_check("nope")
    result = await daemon.run_check("broken_check")
    assert result.status == "error" and result.details["failure"] == "load_error"
    assert "cannot describe myself" in result.message
    assert (await daemon.run_check("count_check")).status == "success"


async def test_update_config_intervals_enable_settings_and_rejects_bad_values(tmp_path) -> None:
    from pydantic import BaseModel

    class Settings(BaseModel):
        word: str = "run"

    class WithSettings(Counter):
        settings_model = Settings

    daemon = make(tmp_path, WithSettings)
    assert daemon.scheduler.tasks["count_check"].interval_seconds == 60
    daemon.update_config(AutocodeConfig(daemon=DaemonConfig(count_check={"interval_minutes": 3})))
    assert daemon.scheduler.tasks["count_check"].interval_seconds == 180
    daemon.update_config({"checks": {"count_check": {"word": "tick"}}})
    assert (await daemon.run_check("count_check")).message == "tick 1"
    assert daemon.scheduler.tasks["count_check"].interval_seconds == 180  # untouched by the 2nd update
    daemon.update_config({"daemon": {"count_check": {"enabled": False}}})
    assert daemon.scheduler.get_active_tasks() == []
    with pytest.raises(ConfigError, match=r"update_config: daemon.count_check.interval_minutes"):
        daemon.update_config({"daemon": {"count_check": {"interval_minutes": -1}}})
    assert daemon.config.daemon.count_check.interval_minutes == 3  # nothing changed


def test_start_stop_in_a_background_thread_and_sync_runs(tmp_path) -> None:
    daemon = make(tmp_path, Counter, config={"daemon": {"run_at_start": False}})

    async def start() -> None:
        await daemon.start()

    anyio.run(start)
    try:
        assert daemon.is_running()
        result = daemon.run_check_manually("count_check")  # hops onto the daemon's loop
        assert result.status == "success" and daemon.total_checks_run == 1
        stopper = threading.Thread(target=daemon.stop)
        stopper.start()
        stopper.join(10)
    finally:
        daemon.stop()
    assert not daemon.is_running()


async def test_run_check_manually_refuses_to_block_an_event_loop(tmp_path) -> None:
    daemon = make(tmp_path, Counter)
    with pytest.raises(RuntimeError, match="await daemon.run_check"):
        daemon.run_check_manually("count_check")


async def test_health_metrics_have_the_design_document_shape(tmp_path) -> None:
    daemon = make(tmp_path, Counter, Slow)
    await daemon.run_check("count_check")
    await daemon.run_check("count_check")
    health = daemon.get_health_metrics()
    assert set(health) >= {"daemon", "checks", "scheduler"}
    assert {"is_running", "uptime_seconds", "total_checks_run", "success_rate", "memory_mb"} <= set(health["daemon"])
    check = health["checks"]["count_check"]
    assert check["last_status"] == "success" and check["execution_count"] == 2
    assert check["status_counts"] == {"success": 2, "warning": 0, "error": 0}
    assert {"last_execution", "duration_seconds", "average_duration_seconds", "p95_duration_seconds"} <= set(check)
    assert health["scheduler"]["active_tasks"] == 2
    assert set(health["scheduler"]["task_statuses"]) == {"count_check", "slow_a"}
    status = daemon.get_status()
    assert status.total_checks_run == 2 and status.success_rate == 1.0


async def test_two_daemons_in_one_process_do_not_share_plugins(tmp_path) -> None:
    first = make(tmp_path / "a", Counter)
    second = make(tmp_path / "b", Slow)
    assert first.check_names == ["count_check"] and second.check_names == ["slow_a"]


async def test_events_services_and_check_controls(tmp_path) -> None:
    served = []

    async def service(daemon, *, task_status):
        served.append("started")
        task_status.started()
        try:
            await anyio.sleep_forever()
        finally:
            served.append("stopped")

    h = AutocodeHarness()
    h.register(Counter)
    daemon = h.daemon(tmp_path, {"daemon": {"run_at_start": False}}, services=[service, service])
    async with daemon:
        assert served == ["started", "started"]
        events = daemon.events.subscribe()
        await daemon.run_check("count_check")
        daemon.pause_check("count_check")
        assert daemon.scheduler.get_task_status("count_check")["paused"] is True
        daemon.resume_check("count_check")
        daemon.enable_check("count_check", False)
        assert daemon.scheduler.get_active_tasks() == []
        got = []
        with anyio.fail_after(2):
            while len(got) < 5:
                got.append(await events.receive())
        assert [e.type for e in got] == [
            "check_started", "check_completed", "task_changed", "task_changed", "config_changed"
        ]
        assert got[1].result.message == "run 1" and got[2].data == {"paused": True}
        with pytest.raises(CheckNotFoundError):
            daemon.pause_check("nope")
    assert served[-2:] == ["stopped", "stopped"]
    with events:
        assert [e async for e in events] == []  # the stream ended with the daemon


async def test_pause_and_disable_survive_a_restart(tmp_path) -> None:
    first = make(tmp_path, Counter, Slow, config={"daemon": {"run_at_start": False}})
    first.pause_check("count_check")
    first.enable_check("slow_a", False)
    saved = (tmp_path / ".autocode" / "controls.json").read_text()
    assert '"paused": true' in saved and '"enabled": false' in saved
    second = make(tmp_path, Counter, Slow, config={"daemon": {"run_at_start": False}})
    assert second.scheduler.tasks["count_check"].paused is True
    assert second.scheduler.tasks["slow_a"].enabled is False and second.enabled_checks() == ["count_check"]
    check = second.snapshot().checks["count_check"]
    assert check.schedule.saved_paused is True and check.schedule.saved_at is not None
    second.resume_check("count_check")
    second.enable_check("slow_a", True)
    third = make(tmp_path, Counter, Slow, config={"daemon": {"run_at_start": False}})
    assert third.scheduler.tasks["count_check"].paused is False and third.enabled_checks() == ["count_check", "slow_a"]
