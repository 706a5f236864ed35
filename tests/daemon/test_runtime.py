"""``Runtime`` and ``open_runtime``: executors, the loop's runner and the listeners of a session."""

from __future__ import annotations

import time
from contextlib import AsyncExitStack

import anyio
import pytest

from autocode_core import AutocodeConfig, CheckPlugin, CheckResult, hookimpl
from autocode_core.daemon.listeners import ListenerDispatcher
from autocode_core.daemon.runtime import open_runtime
from autocode_core.models import CompletedRun
from autocode_core.plugin.loader import load_plugins
from autocode_core.run.executor import CheckExecutor, ExecutorSetup, InlineExecutor, RunJob
from autocode_core.run.runner import CheckRunner
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio


class Recorder:
    """A listener that waits for ``gate`` (when set) and records what it received."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.gate: anyio.Event | None = None

    @hookimpl
    async def on_check_completed(self, check_name, run):
        if self.gate is not None:
            await self.gate.wait()
        self.log.append(f"listener:{check_name}:{run.run_id}")


class Tracked(CheckExecutor):
    """An executor that logs its start and release."""

    name = "tracked"

    def __init__(self, label: str, log: list[str], fail: bool = False) -> None:
        self.label, self.log, self.fail = label, log, fail

    async def start(self, stack: AsyncExitStack) -> None:
        if self.fail:
            raise OSError(f"{self.label} cannot start")
        self.log.append(f"start:{self.label}")
        stack.callback(self.log.append, f"release:{self.label}")

    async def execute(self, job: RunJob) -> CheckResult:
        self.log.append(f"execute:{self.label}:{job.check_name}")
        return CheckResult(status="success", message=f"by {self.label}")


INLINE = {"inline": InlineExecutor.from_setup}


def setup(name: str) -> ExecutorSetup:
    return ExecutorSetup(AutocodeConfig(), (), False)


def dispatcher(recorder: Recorder, timeout: float = 30) -> ListenerDispatcher:
    listeners = load_plugins(
        entry_points=False, plugins=[("recorder", recorder)], environ={}
    ).listeners()
    return ListenerDispatcher([(i, impl) for i, impl in listeners if i.name == "recorder"], timeout)


def completed(tmp_path, run_id: str = "r1") -> CompletedRun:
    return CompletedRun(
        result=CheckResult(check_name="c", status="success", message="ok"),
        run_id=run_id,
        project_root=tmp_path,
    )


async def test_a_one_shot_runtime_calls_listeners_before_deliver_returns(tmp_path) -> None:
    log: list[str] = []
    async with open_runtime(
        INLINE,
        setup,
        CheckRunner(2),
        dispatcher(Recorder(log)),
        serve_listeners=False,
        drain_seconds=lambda: 5,
    ) as runtime:
        assert runtime.serving is False and isinstance(runtime.executors["inline"], InlineExecutor)
        await runtime.deliver(completed(tmp_path))
        assert log == ["listener:c:r1"]


async def test_a_served_runtime_queues_for_listeners_and_drains_them_at_exit(tmp_path) -> None:
    log: list[str] = []
    recorder = Recorder(log)
    recorder.gate = anyio.Event()
    started = time.monotonic()
    with anyio.fail_after(5):  # a way out that never drains fails instead of hanging
        async with (
            anyio.create_task_group() as tg,
            open_runtime(
                INLINE,
                setup,
                CheckRunner(2),
                dispatcher(recorder),
                serve_listeners=True,
                drain_seconds=lambda: 10,
            ) as runtime,
        ):
            assert runtime.serving is True
            await runtime.deliver(completed(tmp_path, "r1"))
            await runtime.deliver(completed(tmp_path, "r2"))
            assert log == []  # queued: the listener is still waiting at its gate

            async def open_gate_later() -> None:
                await anyio.sleep(0.2)
                recorder.gate.set()

            tg.start_soon(open_gate_later)
    assert log == ["listener:c:r1", "listener:c:r2"]  # the way out waited for the queue
    assert time.monotonic() - started < 5


async def test_a_listener_that_hangs_is_cut_off_after_the_drain_time(tmp_path) -> None:
    log: list[str] = []
    recorder = Recorder(log)
    recorder.gate = anyio.Event()  # never opened
    started = time.monotonic()
    with anyio.fail_after(5):
        async with open_runtime(
            INLINE,
            setup,
            CheckRunner(2),
            dispatcher(recorder, timeout=60),
            serve_listeners=True,
            drain_seconds=lambda: 0.3,
        ) as runtime:
            await runtime.deliver(completed(tmp_path))
    assert 0.3 <= time.monotonic() - started < 2.0 and log == []


async def test_executors_start_first_and_are_released_last(tmp_path) -> None:
    log: list[str] = []
    factories = {"a": lambda _: Tracked("a", log), "b": lambda _: Tracked("b", log)}
    with anyio.fail_after(5):
        async with open_runtime(
            factories,
            setup,
            CheckRunner(2),
            dispatcher(Recorder(log)),
            serve_listeners=True,
            drain_seconds=lambda: 5,
        ) as runtime:
            assert log == ["start:a", "start:b"] and sorted(runtime.executors) == ["a", "b"]
            await runtime.deliver(completed(tmp_path))
    assert log[2:] == ["listener:c:r1", "release:b", "release:a"]


async def test_an_executor_that_cannot_start_releases_the_ones_started(tmp_path) -> None:
    log: list[str] = []
    factories = {"a": lambda _: Tracked("a", log), "b": lambda _: Tracked("b", log, fail=True)}
    with pytest.raises(OSError, match="b cannot start"):
        async with open_runtime(
            factories,
            setup,
            CheckRunner(2),
            dispatcher(Recorder(log)),
            serve_listeners=False,
            drain_seconds=lambda: 5,
        ):
            pytest.fail("the runtime must not open")
    assert log == ["start:a", "release:a"]


async def test_here_is_true_only_on_the_runtimes_event_loop(tmp_path) -> None:
    async with open_runtime(
        INLINE,
        setup,
        CheckRunner(2),
        dispatcher(Recorder([])),
        serve_listeners=False,
        drain_seconds=lambda: 5,
    ) as runtime:
        assert runtime.here() is True
        assert await anyio.to_thread.run_sync(runtime.here) is False


class Noop(CheckPlugin):
    name = "noop_check"

    def execute(self, context):  # never called: the tracked executor answers
        raise AssertionError("not inline")


async def test_a_daemon_opens_a_runtime_per_one_shot_run_and_one_while_it_runs(tmp_path) -> None:
    log: list[str] = []
    h = AutocodeHarness()
    h.register(Noop)
    config = {"daemon": {"run_at_start": False, "noop_check": {"execution": "tracked"}}}
    setups: list[ExecutorSetup] = []

    def factory(setup: ExecutorSetup) -> Tracked:
        setups.append(setup)
        return Tracked("t", log)

    daemon = h.daemon(tmp_path, config, executors={"tracked": factory})
    assert (await daemon.run_check("noop_check")).message == "by t"
    assert log == ["start:t", "execute:t:noop_check", "release:t"]
    log.clear()
    with anyio.fail_after(10):
        async with daemon:
            await daemon.run_check("noop_check")
            await daemon.run_check("noop_check")
            assert log == ["start:t", "execute:t:noop_check", "execute:t:noop_check"]
    assert log[-1] == "release:t"
    assert [(s.serving, [e.name for e in s.checks]) for s in setups] == [
        (False, ["noop_check"]),
        (True, ["noop_check"]),
    ]  # one-shot, then the daemon's
