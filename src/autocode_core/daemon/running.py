"""Running checks on a daemon (``DaemonRuns``): the path every run takes.

``run_check`` → the event loop's ``CheckRunner`` (limits, joins) → an
executor of the daemon's runtime, or of a one-shot runtime when the daemon is
not running → ``ResultStore.record`` → a ``check_completed`` event → the
listeners.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel
import structlog

from autocode_core.daemon.events import DaemonEvent, EventBus, changed_paths_data
from autocode_core.daemon.listeners import ListenerDispatcher
from autocode_core.daemon.runtime import ExecutorFactory, Runtime, open_runtime
from autocode_core.errors import CheckNotFoundError
from autocode_core.models import CheckResult
from autocode_core.plugin.loader import CheckEntry
from autocode_core.run.context import Trigger
from autocode_core.run.executor import ExecutorSetup
from autocode_core.run.runner import CheckRunner, RunHandle, RunRequest
from autocode_core.store.results import ResultStore

if TYPE_CHECKING:
    from autocode_core.config.models import AutocodeConfig
    from autocode_core.daemon.blocking import DaemonThread
    from autocode_core.project import Project

__all__ = ["DaemonRuns"]

log = structlog.get_logger("autocode.daemon")
#: at shutdown, listeners get at most this long to finish what is queued
SHUTDOWN_DRAIN_SECONDS = 3.0


class DaemonRuns:
    """Check runs of ``AutocodeDaemon`` (a mixin over its parts)."""

    project: Project
    project_root: Path
    store: ResultStore
    events: EventBus
    executors: dict[str, ExecutorFactory]
    _runtime: Runtime | None
    _runner: tuple[object, CheckRunner] | None
    _thread: DaemonThread | None

    if TYPE_CHECKING:  # provided by DaemonViews

        @property
        def config(self) -> AutocodeConfig: ...

        def settings_for(self, name: str) -> Any: ...

    def _listeners(self) -> ListenerDispatcher:
        return ListenerDispatcher(self.project.plugins.listeners(), self.config.daemon.listener_timeout_seconds)

    @asynccontextmanager
    async def _open_runtime(self, serve_listeners: bool) -> AsyncIterator[Runtime]:
        def setup(execution: str) -> ExecutorSetup:
            checks = self.project.plugins.checks
            mine = tuple(e for n, e in checks.items() if self.project.execution_for(n) == execution)
            return ExecutorSetup(self.config, mine, serve_listeners)

        async with open_runtime(
            self.executors, setup, self._runner_here(), self._listeners(), serve_listeners=serve_listeners,
            drain_seconds=lambda: min(self.config.daemon.listener_timeout_seconds, SHUTDOWN_DRAIN_SECONDS),
        ) as runtime:
            yield runtime

    def _runner_here(self) -> CheckRunner:
        """The runner of the current event loop (one per loop: limits and joins hold across callers)."""
        native = anyio.lowlevel.current_token().native_token
        if self._runner is None or self._runner[0] is not native:
            self._runner = (native, CheckRunner(self.config.daemon.max_concurrent_checks, self._started, self._partial))
        return self._runner[1]

    def _request(
        self, name: str, trigger: Trigger, changed_paths: frozenset[str] | None = None
    ) -> RunRequest:
        schedule, daemon_cfg = self.project.resolved.schedules[name], self.config.daemon
        return RunRequest(
            project_root=self.project_root, config=self.config, settings=self.settings_for(name),
            timeout_seconds=schedule.timeout_seconds or daemon_cfg.check_timeout_seconds,
            memory_limit_mb=self.project.memory_limit_for(name), trigger=trigger,
            execution=self.project.execution_for(name), changed_paths=changed_paths,
        )

    def _started(self, handle: RunHandle) -> None:
        log.info("check_started", check=handle.check_name, trigger=handle.trigger, run_id=handle.id)
        self.events.publish(DaemonEvent(
            type="check_started", check_name=handle.check_name, trigger=handle.trigger,
            data={"run_id": handle.id, **changed_paths_data(handle.changed_paths)},
        ))

    def _partial(self, handle: RunHandle, result: CheckResult) -> None:
        """A run's partial result → a ``check_progress`` event (``autocode_core.run.progress``)."""
        self.events.publish(DaemonEvent(
            type="check_progress", check_name=handle.check_name, trigger=handle.trigger,
            result=result.model_copy(update={"check_name": handle.check_name}),
            data={"run_id": handle.id, "partial": True},
        ))

    async def run_check(
        self, name: str, trigger: Trigger = "manual", *, changed_paths: frozenset[str] | None = None
    ) -> CheckResult:
        """Run one check now (or join its run in progress) and return its result.

        A check whose plugin failed to load returns its load error.
        ``changed_paths`` (project-relative POSIX paths) reach the plugin as
        ``CheckContext.changed_paths`` when this call starts the run.

        :raises CheckNotFoundError: no check or failed plugin by that name.
        """
        entry = self._entry(name)
        if entry is None:
            return self._load_error(name)
        runtime = self._runtime
        if runtime is not None and runtime.here():
            return await self._run_on(runtime, entry, trigger, changed_paths)
        async with self._open_runtime(serve_listeners=False) as once:
            return await self._run_on(once, entry, trigger, changed_paths)

    async def run_checks(self, names: Sequence[str], trigger: Trigger = "manual") -> list[CheckResult]:
        """Run several checks concurrently (one runtime for all) and return their results in order.

        :raises CheckNotFoundError: before anything runs, for the first unknown name.
        """
        names = list(dict.fromkeys(names))
        entries = {name: self._entry(name) for name in names}
        results: dict[str, CheckResult] = {n: self._load_error(n) for n, e in entries.items() if e is None}
        runtime = self._runtime

        async def one(run_on: Runtime, entry: CheckEntry) -> None:
            results[entry.name] = await self._run_on(run_on, entry, trigger)

        async with AsyncExitStack() as stack:
            if runtime is None or not runtime.here():
                runtime = await stack.enter_async_context(self._open_runtime(serve_listeners=False))
            async with anyio.create_task_group() as tg:
                for entry in entries.values():
                    if entry is not None:
                        tg.start_soon(one, runtime, entry)
        return [results[n] for n in names]

    def _load_error(self, name: str) -> CheckResult:
        """The load error of the failed plugin known as ``name`` (its check's name or its own)."""
        info = self.project.load_failure(name)
        assert info is not None
        return self.store.latest[info.check or info.name]

    def _entry(self, name: str) -> CheckEntry | None:
        entry = self.project.plugins.checks.get(name)
        if entry is None and self.project.load_failure(name) is None:
            raise CheckNotFoundError(name, self.project.known_checks)
        return entry

    def cancel_run(self, name: str, reason: str = "cancelled") -> str | None:
        """Cancel ``name``'s run in progress or queued on the daemon's runtime.

        Call on the daemon's event loop (API handlers, the scheduler, the
        watcher). The run ends as an error result with ``details.failure ==
        "cancelled"`` and a message saying ``reason``, recorded and announced like
        any other. :return: the cancelled run's id, or ``None`` if it was not running.
        """
        runtime = self._runtime
        if runtime is None:
            return None
        handle = runtime.runner.cancel(name, reason)
        if handle is None:
            return None
        log.info("check_cancel_requested", check=name, run_id=handle.id, reason=reason)
        return handle.id

    async def _run_on(
        self, runtime: Runtime, entry: CheckEntry, trigger: Trigger,
        changed_paths: frozenset[str] | None = None,
    ) -> CheckResult:
        request = self._request(entry.name, trigger, changed_paths)

        async def completed(handle: RunHandle, result: CheckResult) -> None:
            run = await self.store.record(
                result, plugin=entry.plugin.name, plugin_version=entry.plugin.version,
                trigger=trigger, run_id=handle.id, project_root=self.project_root, config=self.config,
            )
            log.info("check_completed", check=result.check_name, status=result.status,
                     duration_seconds=round(result.duration_seconds or 0.0, 3))
            self.events.publish(DaemonEvent(
                type="check_completed", check_name=result.check_name, trigger=trigger, result=result,
                data={"run_id": handle.id, **changed_paths_data(handle.changed_paths)},
            ))
            await runtime.deliver(run)

        return await runtime.runner.run(entry, request, runtime.executors, on_completed=completed)

    def run_check_manually(self, name: str) -> CheckResult:
        """Run one check from plain synchronous code and return its result.

        If the daemon runs in a background thread (``start()``), the run happens
        on its loop (and joins a run in progress). From async code use
        ``await run_check(name)``.

        :raises CheckNotFoundError: no check by that name.
        :raises RuntimeError: called from inside an event loop.
        """
        try:
            anyio.lowlevel.current_token()
        except RuntimeError:  # no event loop in this thread: blocking is fine
            pass
        else:
            raise RuntimeError(
                f"run_check_manually() blocks; from async code use `await daemon.run_check({name!r})`"
            )
        if self._thread is not None and self._thread.alive:
            return self._thread.call(self.run_check, name, "manual")
        return anyio.run(self.run_check, name, "manual")

