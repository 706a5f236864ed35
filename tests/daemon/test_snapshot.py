"""``DaemonSnapshot``: one typed picture of the daemon, and the views derived from it."""

from __future__ import annotations

import anyio
import pytest
from pydantic import ValidationError

from autocode_core import CheckPlugin, CheckResult, hookimpl
from autocode_core.daemon.snapshot import DaemonState
from autocode_core.testing import AutocodeHarness


class Gate(CheckPlugin):
    """Runs until the test opens the gate."""

    name = "gate_check"
    entered: anyio.Event
    release: anyio.Event

    async def execute(self, context):
        type(self).entered.set()
        await type(self).release.wait()
        return CheckResult(status="success", message="through")


class OtherGate(Gate):
    name = "other_gate"


class Flaky(CheckPlugin):
    """Fails every other run."""

    name = "flaky_check"
    runs = 0

    def execute(self, context):
        type(self).runs += 1
        ok = type(self).runs % 2
        return CheckResult(status="success" if ok else "error", message=f"run {type(self).runs}")


class Broken:
    @hookimpl
    def get_config(self):
        raise RuntimeError("cannot describe myself")

    @hookimpl
    def execute(self):
        pass


@pytest.fixture(autouse=True)
def _fresh() -> None:
    Flaky.runs = 0


def daemon_of(tmp_path, *plugins, config=None, **kwargs):
    h = AutocodeHarness()
    for plugin in plugins:
        h.register(plugin[1], plugin[0]) if isinstance(plugin, tuple) else h.register(plugin)
    return h.daemon(
        tmp_path, {"daemon": {"run_at_start": False}} if config is None else config, **kwargs
    )


def test_memory_over_the_limit_is_flagged(tmp_path) -> None:
    daemon = AutocodeHarness().daemon(tmp_path, {"daemon": {"max_memory_usage_mb": 16}})  # the lowest allowed
    health = daemon.get_health_metrics()
    assert health["daemon"]["memory_warning"] is True and health["daemon"]["memory_limit_mb"] == 16
    assert health["history"] == {"enabled": False}  # nothing recorded yet: no file was created
    assert health["notifications"] == {"enabled": False, "channels": {}}
    assert not (tmp_path / ".autocode").exists()


@pytest.mark.anyio
async def test_a_snapshot_is_frozen(tmp_path) -> None:
    daemon = daemon_of(tmp_path, Flaky, ("broken_check", Broken()))
    await daemon.run_check("flaky_check")
    snap = daemon.snapshot()
    check = snap.checks["flaky_check"]
    for model, field, value in [
        (snap, "state", DaemonState.RUNNING),
        (snap, "total_checks_run", 99),
        (check, "loaded", False),
        (check, "result", None),
        (check.schedule, "enabled", False),
        (check.plugin, "status", "failed"),
        (snap.history, "enabled", False),
    ]:
        with pytest.raises(ValidationError, match="frozen"):
            setattr(model, field, value)
    assert isinstance(snap.plugins, tuple) and isinstance(check.plugin.hooks, tuple)
    await daemon.run_check("flaky_check")  # a snapshot is a picture: later runs do not move it
    assert snap.total_checks_run == 1 and check.session.execution_count == 1
    assert check.result.message == "run 1" and daemon.snapshot().total_checks_run == 2


@pytest.mark.anyio
async def test_editing_what_a_snapshot_holds_changes_nothing_in_the_daemon(tmp_path) -> None:
    daemon = daemon_of(tmp_path, Flaky)
    await daemon.run_check("flaky_check")
    snap = daemon.snapshot()
    try:
        snap.checks["flaky_check"].result.message = "edited by a view"
    except ValidationError:
        pass
    assert daemon.results["flaky_check"].message == "run 1"


@pytest.mark.anyio
async def test_running_state_comes_from_the_runner_and_goes_after(tmp_path) -> None:
    Gate.entered, Gate.release = anyio.Event(), anyio.Event()
    OtherGate.entered, OtherGate.release = anyio.Event(), anyio.Event()
    daemon = daemon_of(
        tmp_path,
        Gate,
        OtherGate,
        Flaky,
        config={"daemon": {"run_at_start": False, "max_concurrent_checks": 1}},
    )
    async with daemon, anyio.create_task_group() as tg:
        assert all(c.run is None and not c.running for c in daemon.snapshot().checks.values())
        tg.start_soon(daemon.run_check, "gate_check", "api")
        with anyio.fail_after(5):
            await Gate.entered.wait()
        tg.start_soon(daemon.run_check, "other_gate")  # waits for the one slot
        with anyio.fail_after(5):
            while "other_gate" not in daemon.running_checks:
                await anyio.sleep(0.01)
        snap = daemon.snapshot()
        running, queued = snap.checks["gate_check"].run, snap.checks["other_gate"].run
        assert (running.state, running.trigger, running.execution) == ("running", "api", "inline")
        assert (
            running.started_at is not None
            and running.run_id == daemon.run_in_progress("gate_check").id
        )
        assert (queued.state, queued.trigger, queued.started_at) == ("queued", "manual", None)
        assert snap.checks["flaky_check"].run is None
        tasks = snap.health()["scheduler"]["task_statuses"]
        assert (tasks["gate_check"]["running"], tasks["flaky_check"]["running"]) == (True, False)
        Gate.release.set()
        OtherGate.release.set()
        with anyio.fail_after(5):
            while daemon.running_checks:
                await anyio.sleep(0.01)
        after = daemon.snapshot()
        assert after.checks["gate_check"].run is None and not after.checks["other_gate"].running
        assert after.checks["gate_check"].result.message == "through"


@pytest.mark.anyio
async def test_a_failed_plugin_is_a_known_check_that_did_not_load(tmp_path) -> None:
    daemon = daemon_of(tmp_path, Flaky, ("broken_check", Broken()))
    snap = daemon.snapshot()
    broken = snap.checks["broken_check"]
    assert broken.loaded is False and broken.schedule is None and broken.execution is None
    assert (broken.plugin.name, broken.plugin.status) == ("broken_check", "failed")
    assert "cannot describe myself" in broken.plugin.error
    assert broken.result.details["failure"] == "load_error" and broken.metrics is None
    assert (
        snap.checks["flaky_check"].loaded is True
        and snap.checks["flaky_check"].schedule is not None
    )
    assert [p.name for p in snap.load_failures] == ["broken_check"]
    assert snap.health()["plugins"]["failed"][0]["name"] == "broken_check"
    assert snap.status().checks["broken_check"].status == "error"
    assert snap.total_checks_run == 0  # a load failure is shown, not counted as a run


@pytest.mark.anyio
async def test_health_and_status_are_derived_from_the_snapshot(tmp_path) -> None:
    earlier = daemon_of(tmp_path, Flaky)
    for _ in range(2):  # success, error: recorded in the history by another daemon
        await earlier.run_check("flaky_check")
    daemon = daemon_of(tmp_path, Flaky)
    await daemon.run_check("flaky_check")  # success
    snap = daemon.snapshot()
    check = snap.checks["flaky_check"]
    assert (check.metrics.execution_count, check.session.execution_count) == (3, 1)
    health = snap.health()
    assert health["daemon"]["state"] == snap.state.value == "stopped"
    assert health["daemon"]["total_checks_run"] == snap.total_checks_run == 1
    assert health["daemon"]["success_rate"] == snap.success_rate == pytest.approx(2 / 3)
    assert health["checks"]["flaky_check"]["execution_count"] == 3
    assert health["checks"]["flaky_check"]["last_status"] == check.result.status == "success"
    assert health["history"]["stored_runs"] == snap.history.stored_runs == 3
    assert health["scheduler"]["active_tasks"] == snap.active_tasks == 1
    status = snap.status()
    assert status.success_rate == 1.0  # this process's runs only
    assert status.checks == {"flaky_check": check.result} and status.total_checks_run == 1
    assert daemon.get_health_metrics()["checks"] == health["checks"]
    assert daemon.get_status().checks == status.checks
    light = daemon.snapshot(history=False)
    assert (
        light.history.stored_runs is None
        and light.checks["flaky_check"].metrics.execution_count == 1
    )


@pytest.mark.anyio
async def test_state_moves_from_stopped_to_running_and_back(tmp_path) -> None:
    seen: list[tuple[str, DaemonState]] = []

    async def service(daemon, *, task_status):
        seen.append(("starting", daemon.snapshot().state))
        task_status.started()
        try:
            await anyio.sleep_forever()
        finally:
            seen.append(("stopping", daemon.snapshot().state))

    daemon = daemon_of(tmp_path, Flaky, services=[service])
    before = daemon.snapshot()
    assert (before.state, before.is_running, before.started_at, before.uptime_seconds) == (
        DaemonState.STOPPED,
        False,
        None,
        0.0,
    )
    assert before.scheduler_running is False
    async with daemon:
        during = daemon.snapshot()
        assert (
            during.state is DaemonState.RUNNING
            and during.is_running
            and during.started_at is not None
        )
        assert during.scheduler_running is True and during.health()["daemon"]["is_running"] is True
    after = daemon.snapshot()
    assert (after.state, after.started_at, after.scheduler_running) == (
        DaemonState.STOPPED,
        None,
        False,
    )
    assert seen == [("starting", DaemonState.STARTING), ("stopping", DaemonState.STOPPING)]
