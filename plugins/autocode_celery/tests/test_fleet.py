"""Runs on two real workers (separate processes and folders) over a real Redis,
cloning the project by URL from a bare repository."""

from __future__ import annotations

import time

import anyio
import pytest
from autocode_celery.executor import CeleryExecutor

from autocode_core import AutocodeDaemon

from .conftest import CrashCheck, SlowCheck

pytestmark = [pytest.mark.redis, pytest.mark.anyio]


def daemon_for(repo, fleet, timeout: float = 30, **celery: object) -> AutocodeDaemon:
    config = {"daemon": {"execution": "celery", "check_timeout_seconds": timeout, "run_at_start": False},
              "celery": fleet.settings(**celery)}
    return AutocodeDaemon(repo.path, config, plugins=[SlowCheck, CrashCheck], load_entry_points=False,
                          executors={"celery": CeleryExecutor.from_setup}, environ={})


async def test_a_remote_run_checks_the_exact_commit_and_the_uncommitted_changes(fleet, clone) -> None:
    commit = clone.git("rev-parse", "HEAD").strip()
    clone.write("data.txt", "edited, not committed\n")
    daemon = daemon_for(clone, fleet)
    result = await daemon.run_check("slow_check")
    assert (result.status, result.message) == ("success", "data is edited, not committed")
    where = result.details["executed_on"]
    assert where["commit"] == commit and where["worker"] in ("w1@fleet", "w2@fleet")
    assert where["queue"] == "autocode"
    (run,) = daemon.get_history("slow_check")
    assert run.details["executed_on"]["worker"] == where["worker"]


async def test_a_run_that_kills_its_process_is_an_error_result_not_a_lost_task(fleet, clone) -> None:
    daemon = daemon_for(clone, fleet)
    with anyio.fail_after(30):
        result = await daemon.run_check("crash_check")
    assert result.status == "error" and result.details["failure"] == "crashed", result.message
    assert result.details["executed_on"]["worker"].endswith("@fleet")
    assert (await daemon.run_check("slow_check")).status == "success"  # the worker carries on


async def test_a_worker_killed_mid_run_has_its_run_completed_by_the_other(fleet, clone) -> None:
    clone.write("pause.txt", "1.5")
    clone.commit("slower")
    clone.git("push", "--quiet", "origin", "HEAD")
    daemon = daemon_for(clone, fleet)
    async with anyio.create_task_group() as tg:
        results = []

        async def run() -> None:
            results.append(await daemon.run_check("slow_check"))

        tg.start_soon(run)
        with anyio.fail_after(30):
            while not fleet.started():
                await anyio.sleep(0.05)
        first = fleet.started()[0]
        fleet.workers[first].kill()
    (result,) = results
    assert result.status == "success", result.message
    assert result.details["executed_on"]["worker"] != f"{first}@fleet"  # the other worker did it
    runs = daemon.get_history("slow_check")
    assert len(runs) == 1 and runs[0].run_id  # recorded exactly once, under its run id
    fleet.start_worker(f"{first}b")  # the fleet is two workers again for the next tests
    fleet.wait_ready([f"{first}b"])


async def test_a_broker_outage_gives_error_results_and_degraded_readiness_then_resumes(
    fleet, clone, start_redis_server
) -> None:
    spare = start_redis_server()
    port = spare.port
    daemon = daemon_for(clone, fleet, timeout=1, broker_url=spare.url, result_backend=fleet.redis_url,
                        connect_timeout_seconds=0.5, queue_wait_seconds=1, hard_limit_grace_seconds=1)
    async with daemon:
        spare.stop()
        started = time.monotonic()
        down = await daemon.run_check("slow_check")
        assert down.status == "error" and down.details["failure"] == "unavailable"
        assert "broker" in down.message and "unreachable" in down.message
        assert time.monotonic() - started < 5
        assert "broker unreachable" in daemon.snapshot().executor_problems["celery"]
        again = start_redis_server(port)  # back: the next run is sent (no worker reads this broker: it waits)
        try:
            with anyio.fail_after(30):
                waited = await daemon.run_check("slow_check")
            assert "no worker finished it" in waited.message
            assert "celery" not in daemon.snapshot().executor_problems
        finally:
            again.stop()
