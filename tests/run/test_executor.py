"""The execution seam: ``InlineExecutor``'s contract, and executors of one's own."""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid

import anyio
import psutil
import pytest

from autocode_core import AutocodeConfig, CheckPlugin, CheckResult, ConfigError, PluginError
from autocode_core.plugin.loader import load_plugins
from autocode_core.run.executor import CheckExecutor, ExecutorSetup, InlineExecutor, RunJob
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio


class Stubborn(CheckPlugin):
    """Synchronous, and ignores its deadline until released."""

    name = "stubborn_check"
    release = threading.Event()

    def execute(self, context):
        type(self).release.wait(30)
        return CheckResult(status="success", message="too late")


class Sleeper(CheckPlugin):
    name = "sleeper_check"

    async def execute(self, context):
        await anyio.sleep(60)


class Spawner(CheckPlugin):
    """Starts a shell with two ``sleep`` children (one in the background) and waits."""

    name = "spawner_check"
    mark = "0"

    def execute(self, context):
        context.run_process(["sh", "-c", f"sleep {self.mark} & sleep {self.mark}; wait"])
        return CheckResult(status="success", message="never")


class Faulty(CheckPlugin):
    name = "faulty_check"
    fault = "raise"

    def execute(self, context):
        if self.fault == "raise":
            raise KeyError("boom")
        if self.fault == "plugin_error":
            raise PluginError("tool missing")
        if self.fault == "exit":
            sys.exit(2)
        return "not a result"


def job_for(plugin, tmp_path, timeout: float = 5.0) -> RunJob:
    entry = load_plugins(entry_points=False, plugins=[plugin], environ={}).checks[plugin.name]
    return RunJob(
        run_id=uuid.uuid4().hex,
        entry=entry,
        project_root=tmp_path,
        config=AutocodeConfig(),
        settings=None,
        timeout_seconds=timeout,
        memory_limit_mb=None,
    )


def live(mark: str) -> list[psutil.Process]:
    """Processes (not zombies) whose command line mentions ``mark``."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if proc.info["status"] != psutil.STATUS_ZOMBIE and mark in " ".join(
            proc.info["cmdline"] or []
        ):
            found.append(proc)
    return found


async def until(condition, timeout: float = 5) -> None:
    with anyio.fail_after(timeout):
        while not condition():
            await anyio.sleep(0.02)


async def test_a_plugin_that_ignores_its_deadline_is_reported_within_a_second(tmp_path) -> None:
    executor = InlineExecutor()
    Stubborn.release.clear()
    started = time.monotonic()
    result = await executor.execute(job_for(Stubborn, tmp_path, timeout=0.5))
    elapsed = time.monotonic() - started
    try:
        assert 0.5 <= elapsed < 1.5
        assert result.status == "error" and result.details["failure"] == "timeout"
        assert (
            "timed out after 0.5s" in result.message
            and result.details["plugin"] == "stubborn_check"
        )
    finally:
        Stubborn.release.set()  # the abandoned thread returns


async def test_an_async_plugin_is_cancelled_at_its_deadline(tmp_path) -> None:
    started = time.monotonic()
    result = await InlineExecutor().execute(job_for(Sleeper, tmp_path, timeout=0.3))
    assert result.details["failure"] == "timeout" and time.monotonic() - started < 1.3


async def test_cancellation_from_outside_kills_the_runs_processes(tmp_path) -> None:
    Spawner.mark = f"{700 + os.getpid() % 200}.{time.time_ns() % 10**6:06d}"
    executor = InlineExecutor()
    scope = anyio.CancelScope()
    returned = []

    async def run() -> None:
        with scope:
            returned.append(await executor.execute(job_for(Spawner, tmp_path, timeout=60)))

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        await until(lambda: len(live(Spawner.mark)) == 3)  # the shell and its two sleeps run
        scope.cancel()
    assert returned == []  # the cancellation went through; no result was made up
    await until(lambda: live(Spawner.mark) == [], timeout=2)  # shell and both sleeps are gone


@pytest.mark.parametrize(
    ("fault", "failure", "text"),
    [
        ("raise", "exception", "raised KeyError: 'boom'"),
        ("plugin_error", "plugin_error", "tool missing"),
        ("exit", "exception", "SystemExit"),
        ("value", "invalid_result", "returned str, expected CheckResult"),
    ],
)
async def test_every_plugin_fault_is_a_result(tmp_path, fault, failure, text) -> None:
    Faulty.fault = fault
    result = await InlineExecutor().execute(job_for(Faulty, tmp_path))
    assert result.status == "error" and result.details["failure"] == failure
    assert text in result.message and result.details["plugin"] == "faulty_check"


class Local(CheckPlugin):
    name = "local_check"

    def execute(self, context):
        return CheckResult(status="success", message=f"local on {threading.current_thread().name}")


class Remote(Local):
    name = "remote_check"


class Mine(CheckExecutor):
    """An executor of one's own: delegates to the inline one and says so."""

    name = "mine"
    instances: list[Mine] = []

    def __init__(self, setup: ExecutorSetup) -> None:
        self.setup = setup
        self.jobs: list[RunJob] = []
        self.inner = InlineExecutor()
        Mine.instances.append(self)

    async def execute(self, job: RunJob) -> CheckResult:
        self.jobs.append(job)
        result = await self.inner.execute(job)
        return result.model_copy(update={"details": {"executor": self.name}})


async def test_an_executor_of_ones_own_is_registered_and_chosen_per_check(tmp_path) -> None:
    Mine.instances = []
    h = AutocodeHarness()
    h.register(Local)
    h.register(Remote)
    config = {
        "daemon": {
            "run_at_start": False,
            "remote_check": {"execution": "mine", "timeout_seconds": 7},
        }
    }
    daemon = h.daemon(tmp_path, config, executors={"mine": Mine})
    assert daemon.snapshot().checks["remote_check"].execution == "mine"
    assert daemon.snapshot().checks["local_check"].execution == "inline"
    remote = await daemon.run_check("remote_check", "api")
    local = await daemon.run_check("local_check")
    assert remote.details == {"executor": "mine"} and remote.message.startswith("local on")
    assert local.details == {}
    [job] = [job for mine in Mine.instances for job in mine.jobs]
    assert (job.check_name, job.timeout_seconds, job.trigger) == ("remote_check", 7, "api")
    # each runtime builds its executors, telling them which checks they will run
    assert [[e.name for e in m.setup.checks] for m in Mine.instances] == [["remote_check"]] * 2
    daemon.update_config({"daemon": {"execution": "mine"}})  # the default for every other check
    assert (await daemon.run_check("local_check")).details == {"executor": "mine"}


async def test_an_unknown_execution_name_is_an_error_result_naming_it(tmp_path) -> None:
    h = AutocodeHarness()
    h.register(Local)
    daemon = h.daemon(
        tmp_path, {"daemon": {"local_check": {"execution": "nowhere"}}}, executors={"mine": Mine}
    )
    result = await daemon.run_check("local_check")
    assert result.status == "error" and result.details["plugin"] == "local_check"
    assert "no executor named 'nowhere' (known: inline, mine, process)" in result.message
    with pytest.raises(ConfigError, match="execution"):
        h.daemon(tmp_path, {"daemon": {"local_check": {"execution": "Not A Name"}}})
