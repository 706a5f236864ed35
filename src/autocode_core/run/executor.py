"""The execution seam: how one run of one check is carried out.

The runner decides *whether* and *when* a check runs (concurrency, joins,
deadlines); an executor decides *where*: in this process (``InlineExecutor``),
in a worker process, on a remote worker. An executor gets a ``RunJob`` and
returns a ``CheckResult`` for every outcome, so adding one never touches the
runner or the daemon. Executors are started once per daemon runtime
(``start`` pushes their cleanup onto the runtime's exit stack), the way
APScheduler 4 composes its job executors.
"""

from __future__ import annotations

import inspect
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import anyio
import structlog
from pydantic import BaseModel

from autocode_core.config.models import AutocodeConfig
from autocode_core.errors import PluginError
from autocode_core.models import CheckResult
from autocode_core.plugin.calling import call_hookimpl, is_async_callable
from autocode_core.plugin.loader import CheckEntry
from autocode_core.run.context import CheckContext, Trigger
from autocode_core.run.outcome import error_result, result_from_value
from autocode_core.run.process.tree import tree_rss_bytes
from autocode_core.run.processes import CheckProcesses, RunCancelledError
from autocode_core.run.threads import run_in_daemon_thread

__all__ = ["CheckExecutor", "ExecutorFactory", "ExecutorSetup", "InlineExecutor", "RunJob"]

log = structlog.get_logger("autocode.runner")


@dataclass(frozen=True)
class RunJob:
    """One run of one check, as handed to an executor."""

    run_id: str
    entry: CheckEntry
    project_root: Path
    config: AutocodeConfig
    settings: BaseModel | None
    timeout_seconds: float
    memory_limit_mb: float | None
    trigger: Trigger = "manual"
    changed_paths: frozenset[str] | None = None
    #: where ``context.report_partial`` goes (``autocode_core.run.progress``); ``None``: nowhere
    on_partial: Callable[[CheckResult], None] | None = None

    @property
    def check_name(self) -> str:
        """The check this run is of."""
        return self.entry.name

    def context(self, processes: CheckProcesses) -> CheckContext[Any]:
        """The ``CheckContext`` the plugin's ``execute`` receives."""
        plugin = self.entry.plugin
        return CheckContext(
            check_name=self.entry.name,
            plugin_name=plugin.name,
            project_root=self.project_root,
            settings=self.settings,
            config=self.config,
            logger=structlog.get_logger(f"autocode.check.{self.entry.name}").bind(
                check=self.entry.name, plugin=plugin.name
            ),
            timeout_seconds=self.timeout_seconds,
            trigger=self.trigger,
            changed_paths=self.changed_paths,
            processes=processes,
            partial_reporter=self.on_partial,
        )


@dataclass(frozen=True)
class ExecutorSetup:
    """What an executor factory may use to build an executor for one runtime.

    ``checks`` are the loaded checks that will run on this executor (by the
    ``execution`` setting); ``serving`` is true for a daemon's long-lived
    runtime (worth warming up), false for a one-shot ``run_check``.
    """

    config: AutocodeConfig
    checks: tuple[CheckEntry, ...]
    serving: bool


class CheckExecutor(ABC):
    """Carries out runs; one instance per daemon runtime.

    Contract of ``execute``: it returns a ``CheckResult`` for every way the
    plugin can end (a raise, a wrong return value, the deadline), never raises
    for a plugin's fault, reports a timeout within a second of
    ``job.timeout_seconds``, and kills whatever it started (subprocesses,
    workers) before returning or when cancelled from outside (it then
    re-raises the cancellation). The runner stamps ``check_name``,
    ``timestamp`` and ``duration_seconds`` afterwards.
    """

    #: the ``execution`` setting that selects this executor
    name: ClassVar[str]

    async def start(self, stack: AsyncExitStack) -> None:  # noqa: B027 - optional, no-op by default
        """Acquire what runs need (workers, connections); push their release onto ``stack``."""

    @abstractmethod
    async def execute(self, job: RunJob) -> CheckResult:
        """Run ``job`` to a result (see the class's contract)."""

    def worker_pid(self, run_id: str) -> int | None:
        """The process running ``run_id`` when it is not this one (for status)."""
        return None

    def counters(self) -> dict[str, int]:
        """Counts for ``/metrics`` (worker starts, crashes, kills...); none by default."""
        return {}

    def problem(self) -> str | None:
        """Why runs on this executor fail right now (a remote broker unreachable...), in one
        line, or ``None``; readiness reports it as ``degraded``. No I/O: a remembered state."""
        return None


#: builds one executor for a runtime; registered by ``execution`` name
ExecutorFactory = Callable[[ExecutorSetup], CheckExecutor]


class InlineExecutor(CheckExecutor):
    """Runs the plugin in this process: a plain function in a worker thread,
    an ``async def`` on the event loop.

    Cheap, but not isolated: a synchronous plugin that ignores its deadline is
    abandoned in a daemon thread while its subprocesses are killed, and an
    ``async def`` one that blocks the loop blocks everything. The memory limit
    applies to the subprocesses it starts through ``context.run_process``.
    """

    name: ClassVar[str] = "inline"

    @classmethod
    def from_setup(cls, setup: ExecutorSetup) -> InlineExecutor:
        """The executor of a runtime (it keeps nothing)."""
        return cls()

    async def execute(self, job: RunJob) -> CheckResult:
        entry, plugin = job.entry, job.entry.plugin
        processes = CheckProcesses()
        context = job.context(processes)
        value: Any = None
        failure: CheckResult | None = None
        memory = _SubprocessMemory(processes, job.memory_limit_mb)
        try:
            with anyio.move_on_after(job.timeout_seconds) as scope:
                try:
                    value = await self._call_watched(entry, context, memory)
                except PluginError as exc:
                    failure = error_result(entry.name, str(exc), "plugin_error", plugin=plugin.name)
                except RunCancelledError:
                    pass  # the deadline below explains it
                except anyio.get_cancelled_exc_class():
                    raise
                except BaseException as exc:  # noqa: BLE001 - any plugin fault (KeyboardInterrupt too) is a result
                    log.error("check_raised", error=repr(exc))
                    failure = error_result(
                        entry.name,
                        f"plugin {plugin.label} raised {type(exc).__name__}: {exc}",
                        "exception",
                        plugin=plugin.name,
                        traceback="".join(traceback.format_exception(exc)[-8:]),
                    )
        finally:
            killed = processes.kill_all()  # on outside cancellation too
        if memory.exceeded:
            return error_result(
                entry.name,
                f"{entry.name} used more than its memory limit of {job.memory_limit_mb:g} MB "
                f"(peak {memory.peak_mb:.0f} MB; plugin {plugin.label}); {killed} subprocess(es) killed",
                "memory", plugin=plugin.name, memory_limit_mb=job.memory_limit_mb,
                peak_memory_mb=round(memory.peak_mb, 1), killed_processes=killed,
            )
        if scope.cancelled_caught:
            log.warning("check_timed_out", timeout_seconds=job.timeout_seconds)
            return error_result(
                entry.name,
                f"{entry.name} timed out after {job.timeout_seconds:g}s "
                f"(plugin {plugin.label}; {killed} subprocess(es) killed)",
                "timeout",
                plugin=plugin.name,
                timeout_seconds=job.timeout_seconds,
                killed_processes=killed,
            )
        if failure is not None:
            return failure
        return result_from_value(entry.name, plugin.label, plugin.name, value)

    async def _call_watched(
        self, entry: CheckEntry, context: CheckContext[Any], memory: _SubprocessMemory
    ) -> Any:
        """``_call`` while ``memory`` watches; the plugin's own exception comes out as is."""
        outcome: dict[str, Any] = {}

        async def call() -> None:
            try:
                outcome["value"] = await self._call(entry, context)
            except anyio.get_cancelled_exc_class():
                raise
            except BaseException as exc:  # noqa: BLE001 - re-raised below, outside the task group
                outcome["error"] = exc
            finally:
                tg.cancel_scope.cancel()

        async with anyio.create_task_group() as tg:
            tg.start_soon(memory.watch, tg.cancel_scope)
            tg.start_soon(call)
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    async def _call(self, entry: CheckEntry, context: CheckContext[Any]) -> Any:
        impl = entry.execute
        if is_async_callable(impl.function):
            return await call_hookimpl(impl, context=context)
        # a daemon thread: one that never returns cannot keep the process from exiting
        value = await run_in_daemon_thread(partial(call_hookimpl, impl, context=context))
        if inspect.isawaitable(value):
            value = await value
        return value


class _SubprocessMemory:
    """Watches the resident memory of a run's subprocesses (and theirs) against a limit."""

    POLL_SECONDS = 0.2

    def __init__(self, processes: CheckProcesses, limit_mb: float | None) -> None:
        self.processes = processes
        self.limit_mb = limit_mb
        self.peak_mb = 0.0
        self.exceeded = False

    async def watch(self, scope: anyio.CancelScope) -> None:
        """Poll until cancelled; past the limit, kill the subprocesses and cancel ``scope``."""
        if self.limit_mb is None:
            return
        while True:
            await anyio.sleep(self.POLL_SECONDS)
            pids = self.processes.live_pids()
            if not pids:
                continue
            used = sum(tree_rss_bytes(pid) for pid in pids) / 1048576
            self.peak_mb = max(self.peak_mb, used)
            if used > self.limit_mb:
                self.exceeded = True
                self.processes.kill_all()
                scope.cancel()
                return
