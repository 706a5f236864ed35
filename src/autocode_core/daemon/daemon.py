"""``AutocodeDaemon``: the orchestrator every trigger goes through.

One path for every check run, whoever asks (schedule, CLI, HTTP, an embedding
app): trigger → daemon → runner (concurrency, timeout, no overlap) → one
plugin's ``execute`` → ``CheckResult`` → stored → ``on_check_completed``
listeners.

Ways to run it:

* ``await daemon.run()`` until ``daemon.stop()``; ``await tg.start(daemon.run)``;
* ``async with AutocodeDaemon(...) as daemon: ...`` (runs for the block);
* ``await daemon.start()`` / ``daemon.stop()``: in a background thread with
  its own event loop (the design document's lifecycle);
* no daemon loop at all: ``await daemon.run_check(name)`` or, from plain
  synchronous code, ``daemon.run_check_manually(name)``.

Works under asyncio and trio.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import structlog
from anyio.abc import TaskStatus

from autocode_core.scheduling.clock import Clock
from autocode_core.config.models import AutocodeConfig
from autocode_core.config.resolution import ResolvedConfig
from autocode_core.config.state import ConfigState
from autocode_core.run.context import Trigger
from autocode_core.errors import AutocodeError, CheckNotFoundError
from autocode_core.daemon.events import DaemonEvent, EventBus
from autocode_core.daemon.health import build_health, memory_mb
from autocode_core.store.history import HistoryStore, RunRecord
from autocode_core.daemon.listeners import ListenerDispatcher
from autocode_core.store.metrics import RunStats
from autocode_core.models import CheckConfig, CheckResult, DaemonStatus
from autocode_core.plugin.loader import LoadedPlugins, PluginInfo, load_plugins
from autocode_core.run.runner import CheckRunner, RunRequest, error_result
from autocode_core.scheduling.scheduler import Scheduler
from autocode_core.store.state_dir import DaemonLock, ensure_state_dir

__all__ = ["AutocodeDaemon"]

log = structlog.get_logger("autocode.daemon")
MEMORY_POLL_SECONDS = 30.0


Service = Callable[..., Awaitable[None]]


async def _run_service(
    service: Service, daemon: AutocodeDaemon, scope: anyio.CancelScope, *, task_status: TaskStatus[None]
) -> None:
    with scope:
        await service(daemon, task_status=task_status)


class _ThreadStarted:
    """A ``TaskStatus`` that signals a ``threading.Event`` (for ``start()``)."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def started(self, value: object = None) -> None:
        self.event.set()


class AutocodeDaemon:
    """Runs the installed checks on a schedule and on demand, and keeps their results.

    :param project_root: the project; default: found from the working directory
        (the folder holding ``autocode.toml`` or ``pyproject.toml``).
    :param config: a configuration built in Python (an ``AutocodeConfig`` or a
        plain mapping of the same shape); when given, files and environment
        variables are not read.
    :param plugins: extra plugins to register (modules, objects, ``CheckPlugin``
        subclasses, or ``(name, plugin)`` pairs).
    :param load_entry_points: load the ``autocode`` entry-point group.
    :param profile: the profile to apply (default ``AUTOCODE_PROFILE``).
    :param overrides: ``KEY=VALUE`` settings from the command line.
    :param clock: the scheduler's clock (tests pass a ``ManualClock``).
    :param services: extra long-running parts (the HTTP server) started in the
        daemon's task group by ``run``: ``async def service(daemon, *, task_status)``
        calls ``task_status.started()`` once ready and returns when cancelled.
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
    ) -> None:
        environ = os.environ if environ is None else environ
        self._config = ConfigState.gather(
            project_root, config, profile=profile, overrides=overrides, environ=environ
        )
        self.project_root: Path = self._config.project_root
        disabled = self._config.raw().get("disable_plugins") or []
        self._plugins: LoadedPlugins = load_plugins(
            entry_points=load_entry_points,
            plugins=plugins,
            disabled=disabled if isinstance(disabled, list) else [],
            strict=strict_plugins,
            daemon=self,
            environ=environ,
        )
        self._resolved: ResolvedConfig = self._config.resolve(self._declared())
        for warning in self._resolved.warnings:
            log.warning("config_warning", problem=warning)
        daemon_cfg = self._resolved.config.daemon
        self.scheduler = Scheduler(
            clock=clock, jitter_seconds=daemon_cfg.jitter_seconds, run_at_start=daemon_cfg.run_at_start
        )
        for name, schedule in self._resolved.schedules.items():
            self.scheduler.add_task(
                name,
                partial(self._scheduled_run, name),
                schedule.interval_minutes * 60,
                enabled=schedule.enabled,
                run_at_start=schedule.run_at_start,
            )
        self.results: dict[str, CheckResult] = {}
        self.stats = RunStats()
        self.total_checks_run = 0
        self.start_time: float | None = None
        self._history: HistoryStore | None = None
        self._history_failed = False
        if self.config.history.enabled and self._history_path().exists():
            store = self.history  # the last result of every check, before any runs again
            for name, record in store.latest().items() if store is not None else ():
                self.results[name] = record.to_result()
        for info in self._plugins.failed:
            name = info.check or info.name
            self.results[name] = error_result(
                name, f"plugin {info.label} failed to load: {info.error}", "load_error", plugin=info.name
            )
        self._running = False
        self._token: anyio.lowlevel.EventLoopToken | None = None
        self._loop_thread: int | None = None
        self._stop_event: anyio.Event | None = None
        self._thread: threading.Thread | None = None
        self._runner: tuple[object, CheckRunner] | None = None
        self._listeners: ListenerDispatcher | None = None
        self._lock: DaemonLock | None = None
        self._cm_group: Any = None
        self.services: list[Service] = list(services)
        self.events = EventBus()

    # -- what is installed --------------------------------------------------
    @property
    def config(self) -> AutocodeConfig:
        """The effective configuration (plugin defaults, files, environment, flags, updates)."""
        return self._resolved.config

    @property
    def plugins(self) -> LoadedPlugins:
        """Every plugin, loaded or failed, and the checks they provide."""
        return self._plugins

    @property
    def check_names(self) -> list[str]:
        """Names of the checks that loaded, sorted."""
        return sorted(self._plugins.checks)

    @property
    def failed_plugins(self) -> list[PluginInfo]:
        """Plugins that failed to load."""
        return self._plugins.failed

    def enabled_checks(self) -> list[str]:
        """Loaded checks that the configuration enables, sorted."""
        return [n for n in self.check_names if self._resolved.schedules[n].enabled]

    def settings_for(self, name: str) -> Any:
        """The validated settings of a check (``None`` if it declares none)."""
        return self._resolved.settings.get(name)

    # -- running checks -------------------------------------------------------
    @property
    def running_checks(self) -> list[str]:
        """Names of the checks running now on this daemon's loop, whoever started them."""
        return self._runner[1].running if self._runner is not None else []

    def _declared(self) -> dict[str, CheckConfig]:
        return {name: entry.defaults for name, entry in self._plugins.checks.items()}

    def _runner_here(self) -> CheckRunner:
        native = anyio.lowlevel.current_token().native_token
        if self._runner is None or self._runner[0] is not native:
            limit = self.config.daemon.max_concurrent_checks
            self._runner = (native, CheckRunner(limit, self._started))
        return self._runner[1]

    def _started(self, name: str, trigger: Trigger) -> None:
        log.info("check_started", check=name, trigger=trigger)
        self.events.publish(DaemonEvent(type="check_started", check_name=name, trigger=trigger))

    async def run_check(self, name: str, trigger: Trigger = "manual") -> CheckResult:
        """Run one check now (or join its run in progress) and return its result.

        A check whose plugin failed to load returns its load error.

        :raises CheckNotFoundError: no check or failed plugin by that name.
        """
        entry = self._plugins.checks.get(name)
        if entry is None:
            failed = next((i for i in self.failed_plugins if name in (i.check, i.name)), None)
            if failed is not None:
                return self.results[failed.check or failed.name]
            raise CheckNotFoundError(name, self.check_names)
        schedule = self._resolved.schedules[name]
        daemon_cfg = self.config.daemon
        request = RunRequest(
            project_root=self.project_root,
            config=self.config,
            settings=self._resolved.settings.get(name),
            timeout_seconds=schedule.timeout_seconds or daemon_cfg.check_timeout_seconds,
            memory_limit_mb=daemon_cfg.max_memory_usage_mb,
            trigger=trigger,
        )
        runner = self._runner_here()
        return await runner.run(entry, request, on_completed=partial(self._completed, entry.plugin, trigger))

    async def _completed(self, plugin: PluginInfo, trigger: Trigger, result: CheckResult) -> None:
        self.results[result.check_name] = result
        self.stats.record(result)
        self.total_checks_run += 1
        store = self._open_history_store()._history if self.config.history.enabled else None
        if store is not None:
            try:
                await anyio.to_thread.run_sync(
                    partial(store.record, result, plugin=plugin.name,
                            plugin_version=plugin.version, trigger=trigger)
                )
            except Exception as exc:  # a full disk must not stop the checks
                log.error("history_write_failed", check=result.check_name, error=repr(exc))
        log.info(
            "check_completed",
            check=result.check_name,
            status=result.status,
            duration_seconds=round(result.duration_seconds or 0.0, 3),
        )
        self.events.publish(DaemonEvent(type="check_completed", check_name=result.check_name, result=result))
        dispatcher = self._listeners
        if dispatcher is not None and dispatcher.serving and self._same_loop():
            dispatcher.publish(result.check_name, result)
        else:
            once = ListenerDispatcher(self._plugins.listeners(), self.config.daemon.listener_timeout_seconds)
            await once.call_all(result.check_name, result)

    def _same_loop(self) -> bool:
        return threading.get_ident() == self._loop_thread

    async def _scheduled_run(self, name: str) -> None:
        await self.run_check(name, trigger="schedule")

    def run_check_manually(self, name: str) -> CheckResult:
        """Run one check from plain synchronous code and return its result.

        If the daemon runs in another thread, the run happens on its loop (and
        joins a run in progress). From async code use ``await run_check(name)``.

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
        if self._token is not None and self._running:
            return anyio.from_thread.run(partial(self.run_check, name, "manual"), token=self._token)
        return anyio.run(partial(self.run_check, name, "manual"))

    # -- lifecycle --------------------------------------------------------------
    def is_running(self) -> bool:
        """True while the daemon's scheduler loop runs (and ``stop`` was not called)."""
        return self._running

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Run the scheduler and the listeners until ``stop()``.

        Takes the project's lock in the state folder first.

        :raises DaemonAlreadyRunningError: another daemon runs for this project.
        :raises RuntimeError: this daemon is already running.
        """
        if self._running or self._stop_event is not None:
            raise RuntimeError("this daemon is already running")
        lock = self._lock or self._take_lock()
        self._stop_event = anyio.Event()
        self._token = anyio.lowlevel.current_token()
        self._loop_thread = threading.get_ident()
        self._listeners = ListenerDispatcher(
            self._plugins.listeners(), self.config.daemon.listener_timeout_seconds
        )
        watch = anyio.CancelScope()
        try:
            async with anyio.create_task_group() as tg:
                await tg.start(self._listeners.serve)
                await tg.start(self.scheduler.run)
                tg.start_soon(self._watch_memory, watch)
                services = [anyio.CancelScope() for _ in self.services]
                for service, scope in zip(self.services, services):
                    await tg.start(_run_service, service, self, scope)
                self.start_time = time.time()
                self._running = True
                log.info("daemon_started", project_root=str(self.project_root), checks=self.check_names)
                task_status.started()
                await self._stop_event.wait()
                # the scheduler cancels its runs and returns, the listeners drain
                # (for a bounded time), the memory watch ends
                self.scheduler.stop()
                watch.cancel()
                for scope in services:
                    scope.cancel()
                self.events.close()
                self._listeners.close()
                tg.cancel_scope.deadline = (
                    anyio.current_time() + self.config.daemon.listener_timeout_seconds
                )
        finally:
            self._listeners.close()  # idempotent; matters when a service failed to start
            self.events.close()
            self._running = False
            self.start_time = None
            self._token = None
            self._loop_thread = None
            self._stop_event = None
            self._listeners = None
            lock.release()
            self._lock = None
            log.info("daemon_stopped", project_root=str(self.project_root))

    def _take_lock(self) -> DaemonLock:
        state = ensure_state_dir(self.project_root, self.config.daemon.state_dir)
        lock = DaemonLock(state)
        lock.acquire({"pid": os.getpid(), "started": time.time()})
        self._lock = lock
        return lock

    async def _watch_memory(self, scope: anyio.CancelScope) -> None:
        clock = self.scheduler.clock
        with scope:
            while True:
                used, limit = memory_mb(), self.config.daemon.max_memory_usage_mb
                if used is not None and limit is not None and used > limit:
                    log.warning("daemon_memory_high", memory_mb=round(used, 1), limit_mb=limit)
                await clock.sleep_until(clock.now() + MEMORY_POLL_SECONDS)

    def stop(self) -> None:
        """Stop the daemon: safe from any thread or task, idempotent.

        ``is_running()`` is false when this returns. Runs in progress are
        cancelled (their subprocesses killed); listeners get a bounded time to
        drain. A daemon started with ``start()`` is joined.
        """
        self._running = False
        self.start_time = None
        event, token = self._stop_event, self._token
        if event is not None:
            if self._same_loop():
                event.set()
            elif token is not None:
                try:
                    anyio.from_thread.run_sync(event.set, token=token)
                except RuntimeError:
                    pass  # loop already finished
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.config.daemon.listener_timeout_seconds + 5)
            self._thread = None

    async def start(self) -> None:
        """Run the daemon in a background thread with its own event loop; returns once it runs.

        :raises DaemonAlreadyRunningError: another daemon runs for this project.
        """
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("this daemon is already running")
        started = threading.Event()
        errors: list[BaseException] = []

        def target() -> None:
            try:
                anyio.run(partial(self.run, task_status=_ThreadStarted(started)))  # type: ignore[arg-type]
            except BaseException as exc:  # reported to start()'s caller
                errors.append(exc)
            finally:
                started.set()

        self._thread = threading.Thread(target=target, name="autocode-daemon", daemon=True)
        self._thread.start()
        await anyio.to_thread.run_sync(started.wait)
        if errors:
            self._thread = None
            raise errors[0]

    async def __aenter__(self) -> AutocodeDaemon:
        lock = self._take_lock()  # before the task group, so the error is not wrapped in a group
        group = anyio.create_task_group()
        await group.__aenter__()
        try:
            await group.start(self.run)
        except BaseException as exc:
            lock.release()
            self._lock = None
            await group.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        self._cm_group = group
        return self

    async def __aexit__(self, *exc_info: object) -> bool | None:
        self.stop()
        group, self._cm_group = self._cm_group, None
        return await group.__aexit__(*exc_info)

    # -- configuration ------------------------------------------------------------
    def update_config(self, config: AutocodeConfig | Mapping[str, Any]) -> None:
        """Apply a configuration change live, without a restart.

        The keys set in ``config`` (a model: the fields explicitly given; a
        mapping: a partial update) overlay the current configuration; what it
        does not name stays as it was. Intervals, enable/disable, limits and
        plugin settings take effect at once. Safe from any thread.

        :raises ConfigError: the result would be invalid; nothing changes then.
        """
        resolved, updates = self._config.preview(config, self._declared())
        for warning in resolved.warnings:
            log.warning("config_warning", problem=warning)
        self._on_loop(self._apply, resolved)
        self._config.accept(resolved, updates)

    def _apply(self, resolved: ResolvedConfig) -> None:
        self._resolved = resolved
        daemon_cfg = resolved.config.daemon
        self.scheduler.jitter_seconds = daemon_cfg.jitter_seconds
        if self._runner is not None:
            self._runner[1].set_max_concurrent(daemon_cfg.max_concurrent_checks)
        if self._listeners is not None:
            self._listeners.timeout = daemon_cfg.listener_timeout_seconds
        for name, schedule in resolved.schedules.items():
            task = self.scheduler.tasks[name]
            if task.interval_seconds != schedule.interval_minutes * 60:
                self.scheduler.update_task_interval(name, schedule.interval_minutes * 60)
            if schedule.enabled and not task.enabled:
                self.scheduler.enable_task(name)
            elif not schedule.enabled and task.enabled:
                self.scheduler.disable_task(name)
        log.info("config_updated")
        self.events.publish(DaemonEvent(type="config_changed"))

    # -- history -----------------------------------------------------------------
    def _history_path(self) -> Path:
        return self.project_root / self.config.daemon.state_dir / "history.db"

    def _open_history_store(self) -> AutocodeDaemon:
        if self._history is None and not self._history_failed:
            cfg = self.config.history
            try:
                ensure_state_dir(self.project_root, self.config.daemon.state_dir)
                self._history = HistoryStore(self._history_path(), cfg.max_runs_per_check, cfg.max_age_days)
            except (AutocodeError, OSError, sqlite3.Error) as exc:
                self._history_failed = True
                log.error("history_unavailable", path=str(self._history_path()), error=str(exc))
        return self

    @property
    def history(self) -> HistoryStore | None:
        """The run history: ``None`` if disabled, unavailable, or nothing was ever
        recorded (reading never creates the state folder)."""
        if not self.config.history.enabled:
            return None
        if self._history is None and self._history_path().exists():
            self._open_history_store()
        return self._history

    def get_history(self, name: str | None = None, limit: int = 50) -> list[RunRecord]:
        """Stored runs, newest first, of one check or of all (empty without history)."""
        store = self.history
        return store.list_runs(name, limit) if store is not None else []

    # -- controls of one check ---------------------------------------------------------
    def _task(self, name: str) -> None:
        if name not in self._plugins.checks:
            raise CheckNotFoundError(name, self.check_names)

    def pause_check(self, name: str) -> None:
        """Stop scheduling a check until ``resume_check`` (runtime only; manual runs still work).

        :raises CheckNotFoundError: no such check.
        """
        self._task(name)
        self._on_loop(self.scheduler.pause_task, name)
        self._on_loop(self.events.publish, DaemonEvent(type="task_changed", check_name=name, data={"paused": True}))

    def resume_check(self, name: str) -> None:
        """Undo ``pause_check``; ticks missed while paused coalesce into one run."""
        self._task(name)
        self._on_loop(self.scheduler.resume_task, name)
        self._on_loop(self.events.publish, DaemonEvent(type="task_changed", check_name=name, data={"paused": False}))

    def enable_check(self, name: str, enabled: bool = True) -> None:
        """Enable or disable a check; the same as ``daemon.<name>.enabled`` in ``update_config``."""
        self._task(name)
        self.update_config({"daemon": {name: {"enabled": enabled}}})

    def _on_loop(self, func: Any, *args: Any) -> None:
        if self._token is not None and self._running and not self._same_loop():
            anyio.from_thread.run_sync(func, *args, token=self._token)
        else:
            func(*args)

    # -- status ------------------------------------------------------------------
    def get_health_metrics(self) -> dict[str, Any]:
        """The design document's shape: ``daemon``, ``checks``, ``scheduler`` (plus ``plugins``)."""
        return build_health(self)

    def get_status(self) -> DaemonStatus:
        """A small snapshot: state, totals and the latest result of every check."""
        return DaemonStatus(
            is_running=self.is_running(),
            project_root=str(self.project_root),
            start_time=(
                None if self.start_time is None else datetime.fromtimestamp(self.start_time, UTC)
            ),
            uptime_seconds=time.time() - self.start_time if self.start_time else 0.0,
            total_checks_run=self.total_checks_run,
            success_rate=self.stats.success_rate,
            average_duration_seconds=self.stats.average_duration,
            memory_mb=memory_mb(),
            memory_limit_mb=self.config.daemon.max_memory_usage_mb,
            checks=dict(self.results),
        )

