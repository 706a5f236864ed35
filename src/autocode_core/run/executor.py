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
import threading
import traceback
from abc import ABC, abstractmethod
from contextlib import AsyncExitStack
from dataclasses import dataclass
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
from autocode_core.run.processes import CheckProcesses, RunCancelledError

__all__ = ["CheckExecutor", "InlineExecutor", "RunJob"]

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
            processes=processes,
        )


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


class InlineExecutor(CheckExecutor):
    """Runs the plugin in this process: a plain function in a worker thread,
    an ``async def`` on the event loop.

    Cheap, but not isolated: a thread that ignores its deadline is abandoned
    (and counted in ``abandoned_threads``) while its subprocesses are killed.
    """

    name: ClassVar[str] = "inline"

    def __init__(self, max_threads: int = 512) -> None:
        self._threads = anyio.CapacityLimiter(max_threads)
        self._abandoned = 0
        self._abandoned_lock = threading.Lock()

    @property
    def abandoned_threads(self) -> int:
        """Worker threads of timed-out synchronous checks that have not returned yet."""
        return self._abandoned

    async def execute(self, job: RunJob) -> CheckResult:
        entry, plugin = job.entry, job.entry.plugin
        processes = CheckProcesses(job.memory_limit_mb)
        context = job.context(processes)
        value: Any = None
        failure: CheckResult | None = None
        try:
            with anyio.move_on_after(job.timeout_seconds) as scope:
                try:
                    value = await self._call(entry, context)
                except PluginError as exc:
                    failure = error_result(entry.name, str(exc), "plugin_error", plugin=plugin.name)
                except RunCancelledError:
                    pass  # the deadline below explains it
                except (Exception, SystemExit) as exc:  # noqa: BLE001 - any plugin fault is a result
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

    async def _call(self, entry: CheckEntry, context: CheckContext[Any]) -> Any:
        impl = entry.execute
        if is_async_callable(impl.function):
            return await call_hookimpl(impl, context=context)
        finished = threading.Event()
        abandoned = threading.Event()

        def in_thread() -> Any:
            try:
                return call_hookimpl(impl, context=context)
            finally:
                with self._abandoned_lock:
                    finished.set()
                    if abandoned.is_set():
                        self._abandoned -= 1

        try:
            value = await anyio.to_thread.run_sync(in_thread, abandon_on_cancel=True, limiter=self._threads)
        except anyio.get_cancelled_exc_class():
            with self._abandoned_lock:
                if not finished.is_set():
                    abandoned.set()
                    self._abandoned += 1
            raise
        if inspect.isawaitable(value):
            value = await value
        return value
