"""``AutocodeDaemon``: the runtime every check run goes through.

One path for every run, whoever asks (schedule, CLI, HTTP, an embedding app):
trigger → ``run_check`` → runner (concurrency, no overlap) → executor → one
plugin's ``execute`` → ``CheckResult`` → ``ResultStore`` (latest, statistics,
history) → events → ``on_check_completed`` listeners.

The daemon composes parts that do the work: a ``Project`` (configuration,
plugins, known checks), a ``Scheduler``, a ``ResultStore``, an ``EventBus``
and, while it runs, a ``Runtime`` (executors, runner, listeners). Its
lifecycle is one ``DaemonState`` and an ``AsyncExitStack`` of services.

Ways to run it: ``await daemon.run()`` (or ``await tg.start(daemon.run)``)
until ``stop()``; ``async with daemon: ...``; ``await daemon.start()`` in a
background thread (``DaemonThread``); or no loop at all: ``await
daemon.run_check(name)`` / ``daemon.run_check_manually(name)``. Works under
asyncio and trio.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import anyio
import anyio.lowlevel
import structlog
from anyio.abc import TaskStatus

from autocode_core.config.models import AutocodeConfig
from autocode_core.daemon.blocking import DaemonThread
from autocode_core.daemon.controls import DaemonControls
from autocode_core.daemon.events import EventBus
from autocode_core.daemon.memory import watch_memory
from autocode_core.daemon.observation import take_snapshot
from autocode_core.daemon.running import DaemonRuns
from autocode_core.daemon.runtime import DEFAULT_EXECUTORS, ExecutorFactory, Runtime
from autocode_core.daemon.snapshot import DaemonSnapshot, DaemonState, now_utc
from autocode_core.daemon.views import DaemonViews
from autocode_core.project import Project
from autocode_core.run.executor_plugins import installed_executors
from autocode_core.run.runner import CheckRunner, RunHandle
from autocode_core.scheduling.clock import Clock
from autocode_core.scheduling.scheduler import Scheduler
from autocode_core.store.controls import ControlsStore
from autocode_core.store.results import ResultStore
from autocode_core.store.state_dir import DaemonLock, ensure_state_dir

if TYPE_CHECKING:
    from autocode_core.watch.service import FileWatcher

__all__ = ["AutocodeDaemon", "Service"]

log = structlog.get_logger("autocode.daemon")
#: at stop, how long writing the runs that wait for an unreachable history may take
FINAL_FLUSH_SECONDS = 5.0

#: a long-running part started in the daemon's task group (the HTTP server):
#: ``async def service(daemon, *, task_status)``, ready once it calls
#: ``task_status.started()``, stopped by cancellation
Service = Callable[..., Coroutine[Any, Any, None]]


class AutocodeDaemon(DaemonRuns, DaemonControls, DaemonViews):
    """Runs the installed checks on a schedule and on demand, and keeps their results.

    Takes ``Project``'s arguments (``project_root``, ``config``, ``plugins``,
    ``load_entry_points``, ``profile``, ``overrides``, ``environ``,
    ``strict_plugins``), or a ready ``project``, and:

    :param clock: the scheduler's clock (tests pass a ``ManualClock``).
    :param services: extra long-running parts started by ``run`` (see ``Service``).
    :param executors: executor factories by ``execution`` name, added to the
        defaults (``inline``).
    :param watch: watch the project's files and run the checks whose files
        change (``autocode_core.watch``), when ``daemon.watch.enabled`` agrees;
        off by default for embedding applications, on for ``autocode daemon``.
    :raises ConfigError: the configuration is invalid (file, key and reason).
    :raises PluginLoadError: a plugin failed to load in strict mode.
    """

    def __init__(
        self,
        project_root: str | Path | None = None,
        config: AutocodeConfig | Mapping[str, Any] | None = None,
        *,
        plugins: Iterable[Any] = (),
        load_entry_points: bool = True,
        profile: str | None = None,
        overrides: Sequence[str] = (),
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        strict_plugins: bool | None = None,
        services: Sequence[Service] = (),
        executors: Mapping[str, ExecutorFactory] | None = None,
        project: Project | None = None,
        watch: bool = False,
    ) -> None:
        self.project = project or Project(
            project_root, config, plugins=plugins, load_entry_points=load_entry_points,
            profile=profile, overrides=overrides, environ=environ, strict_plugins=strict_plugins,
        )
        self.project_root: Path = self.project.root
        daemon_cfg = self.config.daemon
        self.scheduler = Scheduler(
            clock=clock, jitter_seconds=daemon_cfg.jitter_seconds, run_at_start=daemon_cfg.run_at_start
        )
        for name, schedule in self.project.resolved.schedules.items():
            self.scheduler.add_task(
                name, partial(self.run_check, name, "schedule"), schedule.interval_minutes * 60,
                enabled=schedule.enabled, run_at_start=schedule.run_at_start,
            )
        self.store = ResultStore.for_project(self.project)
        self.controls = ControlsStore(
            self.project.state_dir / "controls.json",
            prepare=lambda: ensure_state_dir(self.project_root, self.config.daemon.state_dir),
        )
        self.events = EventBus()
        self.services: list[Service] = list(services)
        installed = installed_executors() if load_entry_points else {}  # entry points `autocode.executors`
        self.executors: dict[str, ExecutorFactory] = {**DEFAULT_EXECUTORS, **installed, **(executors or {})}
        self._state = DaemonState.STOPPED
        self._started_at: float | None = None
        self._runtime: Runtime | None = None
        self._token: anyio.lowlevel.EventLoopToken | None = None
        self._stop_event: anyio.Event | None = None
        self._thread: DaemonThread | None = None
        self._cm_stack: AsyncExitStack | None = None
        self._lock: DaemonLock | None = None
        self._runner: tuple[object, CheckRunner] | None = None
        self.watch = watch
        self.watcher: FileWatcher | None = None
        self._restore_controls()  # paused / enabled as saved by an earlier daemon

    # -- observing -------------------------------------------------------------
    @property
    def state(self) -> DaemonState:
        """Where the daemon is in its life."""
        return self._state

    def is_running(self) -> bool:
        """True while the daemon runs (from started until ``stop`` is called)."""
        return self._state is DaemonState.RUNNING

    @property
    def start_time(self) -> float | None:
        """Unix time the daemon started, ``None`` when it is not running."""
        return self._started_at if self.is_running() else None

    def snapshot(self, *, history: bool = True) -> DaemonSnapshot:
        """The whole daemon now, typed and immutable (what every view reads).

        :param history: include figures from the run history (cached); without
            it, only this process's runs (cheapest, for polling).
        """
        started = self.start_time
        return take_snapshot(
            self.project, self.scheduler, self.store, self._runtime,
            runner=self._runner[1] if self._runner is not None else None,
            controls=self.controls, state=self._state,
            started_at=None if started is None else now_utc().fromtimestamp(started, now_utc().tzinfo),
            with_history=history,
            watch=self.watcher.status if self.watcher is not None and self._runtime is not None else None,
        )

    def run_in_progress(self, name: str) -> RunHandle | None:
        """The run of ``name`` in progress (or queued), whoever started it, if any."""
        return self._runner[1].in_flight(name) if self._runner is not None else None

    @property
    def running_checks(self) -> list[str]:
        """Names of the checks running now, whoever started them."""
        return self._runner[1].running if self._runner is not None else []

    # -- lifecycle --------------------------------------------------------------------
    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Run the scheduler, the listeners and the services until ``stop()``.

        Takes the project's lock in the state folder first. Stopping cancels
        the runs in progress (their processes killed) and gives listeners a
        bounded time to drain.

        :raises DaemonAlreadyRunningError: another daemon runs for this project.
        :raises RuntimeError: this daemon is already running.
        """
        if self._state is not DaemonState.STOPPED:
            raise RuntimeError("this daemon is already running")
        self._state = DaemonState.STARTING
        try:
            async with AsyncExitStack() as stack:
                stack.callback(self._release_services)
                if self._lock is None:  # not taken by __aenter__, which prepared already
                    self._prepare_services()
                lock, self._lock = self._lock or self._take_lock(), None
                stack.callback(lock.release)
                self._stop_event = anyio.Event()
                self._token = anyio.lowlevel.current_token()
                self._runtime = await stack.enter_async_context(self._open_runtime(serve_listeners=True))
                stack.callback(self.events.close)
                services = await stack.enter_async_context(anyio.create_task_group())
                for service in self.services:  # first: a server that cannot bind stops us before any run
                    await services.start(service, self)
                await services.start(self.scheduler.run)
                stack.callback(self.scheduler.stop)
                if self.watch and self.config.daemon.watch.enabled:
                    services.start_soon(self._watch_files)
                services.start_soon(watch_memory, self.scheduler.clock, lambda: self.config.daemon.max_memory_usage_mb)
                self._started_at = time.time()
                self._state = DaemonState.RUNNING
                log.info("daemon_started", project_root=str(self.project_root), checks=self.check_names)
                task_status.started()
                await self._stop_event.wait()
                self._state = DaemonState.STOPPING
                services.cancel_scope.cancel()
        finally:
            ran = self._started_at is not None
            if ran:  # runs waiting for an unreachable history: one last, bounded try
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(self.store.final_flush, FINAL_FLUSH_SECONDS)
            self._state = DaemonState.STOPPED
            self._runtime = self._token = self._stop_event = self._started_at = None
            self.events.close()
            if ran:  # one that failed to start says why through its exception, not "stopped"
                log.info("daemon_stopped", project_root=str(self.project_root))

    def _prepare_services(self) -> None:
        """Let services fail on their configuration (a port in use) before the lock or any run.

        A service with a ``prepare(daemon)`` method gets it called here; one with
        a ``release()`` method gets that called when the daemon stops or fails to start.
        """
        for service in self.services:
            prepare = getattr(service, "prepare", None)
            if prepare is None:
                continue
            try:
                prepare(self)
            except Exception:
                # another daemon of this project holding the port is the better answer
                state = self.project.state_dir
                if state.is_dir() and DaemonLock(state).is_held():
                    self._release_services()
                    self._take_lock()  # raises DaemonAlreadyRunningError naming the holder
                raise

    def _release_services(self) -> None:
        for service in self.services:
            release = getattr(service, "release", None)
            if release is not None:
                release()

    async def _watch_files(self) -> None:
        """The file watcher (``autocode_core.watch``), imported in a thread: its
        modules take a tenth of a second to load, which the first runs need more."""
        module = await anyio.to_thread.run_sync(importlib.import_module, "autocode_core.watch.service")
        self.watcher = module.FileWatcher(self)
        await self.watcher.run()

    def _take_lock(self) -> DaemonLock:
        lock = DaemonLock(ensure_state_dir(self.project_root, self.config.daemon.state_dir))
        lock.acquire({"pid": os.getpid(), "started": time.time()})
        return lock

    def request_stop(self) -> None:
        """Ask ``run`` to return; call it on the daemon's loop (``stop`` works from anywhere)."""
        if self._state in (DaemonState.STARTING, DaemonState.RUNNING):
            self._state = DaemonState.STOPPING
        if self._stop_event is not None:
            self._stop_event.set()

    def stop(self) -> None:
        """Stop the daemon: safe from any thread or task, idempotent.

        ``is_running()`` is false when this returns. A daemon started with
        ``start()`` is joined.
        """
        runtime, thread = self._runtime, self._thread
        if thread is not None and not (runtime is not None and runtime.here()):
            self._thread = None
            thread.stop(timeout=self.config.daemon.listener_timeout_seconds + 5)
            return
        if self._state in (DaemonState.STARTING, DaemonState.RUNNING):
            self._state = DaemonState.STOPPING
        self._call_on_loop(self.request_stop)

    async def start(self) -> None:
        """Run the daemon in a background thread with its own event loop; returns once it runs.

        :raises DaemonAlreadyRunningError: another daemon runs for this project.
        """
        if self._thread is not None and self._thread.alive:
            raise RuntimeError("this daemon is already running")
        thread = DaemonThread(self)
        await anyio.to_thread.run_sync(thread.start)
        self._thread = thread

    async def __aenter__(self) -> Self:
        # the lock first, outside the task group: its error is not wrapped in a group
        try:
            self._prepare_services()
            self._lock = self._take_lock()
        except BaseException:
            self._release_services()
            raise
        stack = AsyncExitStack()
        group = await stack.enter_async_context(anyio.create_task_group())
        try:
            await group.start(self.run)
        except BaseException as exc:
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            self.request_stop()
            if not await stack.__aexit__(type(exc), exc, exc.__traceback__):
                raise
        self._cm_stack = stack
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        self.request_stop()
        stack, self._cm_stack = self._cm_stack, None
        return await stack.__aexit__(exc_type, exc, tb) if stack is not None else None
