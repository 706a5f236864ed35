"""Taking a ``DaemonSnapshot`` from a daemon's parts (read-only, on its event loop)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from autocode_core.daemon.events import CHANGED_PATHS_SHOWN
from autocode_core.daemon.memory import memory_mb
from autocode_core.daemon.snapshot import (
    CheckSnapshot,
    DaemonSnapshot,
    DaemonState,
    HistorySnapshot,
    PluginSnapshot,
    RunSnapshot,
    ScheduleSnapshot,
    now_utc,
)
from autocode_core.models import CheckResult
from autocode_core.project import Project
from autocode_core.run.outcome import could_not_run
from autocode_core.watch.status import WatchStatus

if TYPE_CHECKING:  # kept out of `autocode status`'s imports
    from autocode_core.daemon.runtime import Runtime
    from autocode_core.run.runner import CheckRunner
    from autocode_core.scheduling.scheduler import Scheduler
    from autocode_core.store.controls import CheckControls, ControlsStore
    from autocode_core.store.results import ResultStore

__all__ = ["take_snapshot"]


def _schedule(
    project: Project, scheduler: Scheduler, name: str, saved: CheckControls | None
) -> ScheduleSnapshot:
    task = scheduler.tasks[name]
    schedule = project.resolved.schedules[name]
    return ScheduleSnapshot(
        enabled=task.enabled,
        paused=task.paused,
        interval_seconds=task.interval_seconds,
        timeout_seconds=schedule.timeout_seconds or project.config.daemon.check_timeout_seconds,
        next_run=scheduler.next_run(name),
        last_run=task.last_started_at,
        last_duration_seconds=task.last_duration,
        last_lateness_seconds=task.last_lateness,
        run_count=task.run_count,
        error_count=task.error_count,
        last_error=task.last_error,
        coalesced_runs=task.coalesced_runs,
        saved_paused=saved.paused if saved else None,
        saved_enabled=saved.enabled if saved else None,
        saved_at=saved.changed_at if saved else None,
    )


def _history(store: ResultStore, with_history: bool) -> HistorySnapshot:
    if not store.history_config.enabled:
        return HistorySnapshot(enabled=False)
    opened = store.opened_history  # never opens the database: reading state is free
    health = opened.health if opened is not None else None
    problem = health.problem if health is not None else None
    kind = health.kind if health is not None else None
    history = store.history if with_history else None
    if history is None:
        return HistorySnapshot(
            enabled=True, path=str(store.history_path), error=store.history_error,
            problem=problem, problem_kind=kind,
        )
    return HistorySnapshot(
        enabled=True,
        path=str(history.path),
        stored_runs=store.count(),
        recovered_from=str(history.recovered_from) if history.recovered_from else None,
        error=store.history_error,
        problem=problem,
        problem_kind=kind,
    )


def _worker_pid(runtime: Runtime | None, execution: str, run_id: str) -> int | None:
    executor = runtime.executors.get(execution) if runtime is not None else None
    return executor.worker_pid(run_id) if executor is not None else None


def _last_exit(result: CheckResult | None) -> str | None:
    if result is None:
        return None
    return str(result.details.get("failure", "completed")) if could_not_run(result) else "completed"


def _notifications(project: Project) -> dict[str, Any]:
    plugin = project.plugins.manager.get_plugin("notifications")
    health = getattr(plugin, "health", None)
    return {
        "enabled": bool(plugin is not None and project.config.notifications.enabled),
        "channels": health() if callable(health) else {},
    }


def _changed(paths: frozenset[str] | None) -> dict[str, Any]:
    if paths is None:
        return {}
    return {"changed_paths": tuple(sorted(paths)[:CHANGED_PATHS_SHOWN]), "changed_count": len(paths)}


def take_snapshot(
    project: Project,
    scheduler: Scheduler | None,
    store: ResultStore,
    runtime: Runtime | None,
    *,
    runner: CheckRunner | None = None,
    controls: ControlsStore | None = None,
    state: DaemonState,
    started_at: datetime | None,
    with_history: bool = True,
    watch: WatchStatus | None = None,
) -> DaemonSnapshot:
    """The daemon made of these parts, now (no scheduler: a project with nothing running).

    :param with_history: read figures from the run history (cached by the
        store); without it, only this process's figures (cheapest, for polling).
    """
    plugins = {p.name: PluginSnapshot.of(p) for p in project.plugins.plugins}
    stored = store.metrics() if with_history else {}
    session = {name: stats.metrics() for name, stats in store.stats.checks.items()}
    runs = runner.runs() if runner is not None else {}
    latest = store.latest
    checks: dict[str, CheckSnapshot] = {}
    daemon_cfg = project.config.daemon
    for name in project.known_checks:
        entry = project.plugins.checks.get(name)
        handle = runs.get(name)
        failed = project.load_failure(name) if entry is None else None
        plugin = entry.plugin if entry is not None else failed
        checks[name] = CheckSnapshot(
            name=name,
            loaded=entry is not None,
            description=entry.defaults.description if entry is not None else "",
            plugin=plugins.get(plugin.name) if plugin is not None else None,
            execution=project.execution_for(name) if entry is not None else None,
            schedule=_schedule(project, scheduler, name, controls.get(name) if controls else None)
            if scheduler is not None and name in scheduler.tasks
            else None,
            run=None
            if handle is None or handle.state == "finished"
            else RunSnapshot(
                run_id=handle.id,
                trigger=handle.trigger,
                state="running" if handle.state == "running" else "queued",
                execution=handle.execution,
                requested_at=handle.requested_at,
                started_at=handle.started_at,
                worker_pid=_worker_pid(runtime, handle.execution, handle.id),
                **_changed(handle.changed_paths),
            ),
            result=latest.get(name),
            last_exit=_last_exit(latest.get(name)),
            metrics=stored.get(name) or session.get(name),
            session=session.get(name),
        )
    listeners = runtime.listeners if runtime is not None else None
    return DaemonSnapshot(
        state=state,
        project_root=str(project.root),
        started_at=started_at,
        taken_at=now_utc(),
        total_checks_run=store.total_runs,
        memory_mb=memory_mb(),
        memory_limit_mb=daemon_cfg.max_memory_usage_mb,
        scheduler_running=scheduler is not None and scheduler.is_running(),
        checks=checks,
        plugins=tuple(plugins.values()),
        history=_history(store, with_history),
        notifications=_notifications(project),
        listener_failures=dict(listeners.failures) if listeners is not None else {},
        listener_dropped=listeners.dropped if listeners is not None else 0,
        executors={n: e.counters() for n, e in runtime.executors.items()} if runtime is not None else {},
        watch=watch,
        executor_problems={
            n: p for n, e in (runtime.executors.items() if runtime is not None else ()) if (p := e.problem())
        },
    )
