"""``DaemonSnapshot``: one typed, immutable picture of a daemon for every view.

Health, ``/metrics``, every HTTP payload and the command line read the same
snapshot; nobody reads the daemon's private state or dicts by string key.
"Running" comes from one source (the runner's runs in progress) and "known
checks" from one (``Project.known_checks``, failed loads included).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from autocode_core.models import CheckResult, DaemonStatus
from autocode_core.plugin.loader import PluginInfo
from autocode_core.store.metrics import CheckMetrics
from autocode_core.watch.status import WatchStatus

__all__ = [
    "CheckSnapshot",
    "DaemonSnapshot",
    "DaemonState",
    "HistorySnapshot",
    "PluginSnapshot",
    "RunSnapshot",
    "ScheduleSnapshot",
]

_FROZEN = ConfigDict(frozen=True)


class DaemonState(StrEnum):
    """Where a daemon is in its life."""

    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"


class PluginSnapshot(BaseModel):
    """One plugin, loaded, failed or disabled (``autocode plugins --json`` shape)."""

    model_config = _FROZEN

    name: str
    source: str
    distribution: str | None
    version: str | None
    target: str | None
    status: Literal["loaded", "failed", "disabled"]
    check: str | None
    hooks: tuple[str, ...]
    error: str | None
    label: str

    @classmethod
    def of(cls, info: PluginInfo) -> PluginSnapshot:
        """The snapshot of a loader record."""
        return cls(**info.to_dict(), label=info.label)


class ScheduleSnapshot(BaseModel):
    """How a loaded check is scheduled, and how its scheduled runs went."""

    model_config = _FROZEN

    enabled: bool
    paused: bool
    interval_seconds: float
    timeout_seconds: float
    next_run: datetime | None
    last_run: datetime | None
    last_duration_seconds: float | None
    last_lateness_seconds: float | None
    run_count: int
    error_count: int
    last_error: str | None
    coalesced_runs: int
    #: set from the dashboard, the API or code, saved in the state folder (survives restarts)
    saved_paused: bool | None = None
    saved_enabled: bool | None = None
    saved_at: datetime | None = None


class RunSnapshot(BaseModel):
    """A run in progress (or waiting for a concurrency slot)."""

    model_config = _FROZEN

    run_id: str
    trigger: str
    state: Literal["queued", "running"]
    execution: str
    requested_at: datetime
    started_at: datetime | None
    worker_pid: int | None = None
    #: a change-triggered run's paths (the first 20, sorted) and how many there are
    changed_paths: tuple[str, ...] | None = None
    changed_count: int | None = None


class CheckSnapshot(BaseModel):
    """One known check: what provides it, its schedule, its run in progress, its results.

    ``metrics`` adds up every recorded run (the history, else this process);
    ``session`` only this process's runs (what Prometheus counters count).
    ``execution`` is the executor it runs on (``process``: isolated in a
    worker; ``inline``: in the daemon's process); ``last_exit`` how its last
    run ended (``completed`` or the failure kind: ``timeout``, ``crashed``...).
    """

    model_config = _FROZEN

    name: str
    loaded: bool
    description: str
    plugin: PluginSnapshot | None
    execution: str | None
    schedule: ScheduleSnapshot | None
    run: RunSnapshot | None
    result: CheckResult | None
    metrics: CheckMetrics | None
    session: CheckMetrics | None
    last_exit: str | None = None

    @property
    def running(self) -> bool:
        """True while a run of this check is in progress or queued."""
        return self.run is not None


class HistorySnapshot(BaseModel):
    """The run history: whether it is kept, where, and whether it works."""

    model_config = _FROZEN

    enabled: bool
    path: str | None = None
    stored_runs: int | None = None
    recovered_from: str | None = None
    error: str | None = None
    #: why runs cannot be recorded now (a full disk, an unwritable file), if so
    problem: str | None = None
    problem_kind: str | None = None


class DaemonSnapshot(BaseModel):
    """The whole daemon at one moment."""

    model_config = _FROZEN

    state: DaemonState
    project_root: str
    started_at: datetime | None
    taken_at: datetime
    total_checks_run: int
    memory_mb: float | None
    memory_limit_mb: float | None
    scheduler_running: bool
    checks: dict[str, CheckSnapshot]
    plugins: tuple[PluginSnapshot, ...]
    history: HistorySnapshot
    notifications: dict[str, Any]
    listener_failures: dict[str, int]
    listener_dropped: int
    executors: dict[str, dict[str, int]] = {}
    #: the file watcher (``None`` when the daemon does not watch files)
    watch: WatchStatus | None = None
    executor_problems: dict[str, str] = {}  # executor name -> why its runs fail right now

    @property
    def is_running(self) -> bool:
        """True in the ``running`` state."""
        return self.state is DaemonState.RUNNING

    @property
    def uptime_seconds(self) -> float:
        """Seconds since the daemon started (0 when not running)."""
        return (self.taken_at - self.started_at).total_seconds() if self.started_at else 0.0

    @property
    def memory_warning(self) -> bool:
        """True when resident memory is over the configured limit."""
        used, cap = self.memory_mb, self.memory_limit_mb
        return bool(used is not None and cap is not None and used > cap)

    @property
    def load_failures(self) -> list[PluginSnapshot]:
        """Plugins that failed to load."""
        return [p for p in self.plugins if p.status == "failed"]

    @property
    def active_tasks(self) -> int:
        """Scheduled checks that are enabled and not paused."""
        return sum(1 for c in self.checks.values() if c.schedule and c.schedule.enabled and not c.schedule.paused)

    def _totals(self, figures: list[CheckMetrics]) -> tuple[float | None, float | None]:
        runs = sum(m.execution_count for m in figures)
        if not runs:
            return None, None
        ok = sum(m.status_counts.get("success", 0) for m in figures)
        spent = sum((m.average_duration_seconds or 0.0) * m.execution_count for m in figures)
        return ok / runs, spent / runs

    @property
    def success_rate(self) -> float | None:
        """Share of recorded runs that succeeded, 0..1 (``None`` before any)."""
        return self._totals([c.metrics for c in self.checks.values() if c.metrics])[0]

    @property
    def average_duration_seconds(self) -> float | None:
        """Mean duration of recorded runs."""
        return self._totals([c.metrics for c in self.checks.values() if c.metrics])[1]

    def status(self) -> DaemonStatus:
        """The small ``DaemonStatus`` (this process's runs, latest results)."""
        rate, average = self._totals([c.session for c in self.checks.values() if c.session])
        return DaemonStatus(
            is_running=self.is_running,
            project_root=self.project_root,
            start_time=self.started_at,
            uptime_seconds=self.uptime_seconds,
            total_checks_run=self.total_checks_run,
            success_rate=rate,
            average_duration_seconds=average,
            memory_mb=self.memory_mb,
            memory_limit_mb=self.memory_limit_mb,
            checks={n: c.result for n, c in self.checks.items() if c.result is not None},
        )

    def health(self) -> dict[str, Any]:
        """The health report: ``daemon``, ``checks``, ``scheduler``, ``history``,
        ``notifications``, ``plugins``, ``watch`` (the file watcher, ``None`` when
        off) (JSON-ready)."""
        checks: dict[str, Any] = {}
        for name, check in sorted(self.checks.items()):
            if check.result is None:
                continue
            result = check.result
            figures = check.metrics or CheckMetrics()
            checks[name] = {
                "last_status": result.status,
                "last_message": result.message,
                "last_execution": result.timestamp.isoformat() if result.timestamp else None,
                "duration_seconds": result.duration_seconds,
                "execution": check.execution,
                "last_exit": check.last_exit,
                "worker_pid": check.run.worker_pid if check.run is not None else None,
                **_metrics_dict(figures),
            }
        history: dict[str, Any] = {"enabled": self.history.stored_runs is not None}
        if self.history.problem:
            history |= {"problem": self.history.problem, "problem_kind": self.history.problem_kind}
        if self.history.stored_runs is not None:
            history |= {
                "path": self.history.path,
                "stored_runs": self.history.stored_runs,
                "recovered_from": self.history.recovered_from,
                "success_rate": self.success_rate,
                "average_duration_seconds": self.average_duration_seconds,
            }
        rate, average = (
            (self.success_rate, self.average_duration_seconds)
            if self.history.stored_runs is not None
            else self._totals([c.session for c in self.checks.values() if c.session])
        )
        return {
            "daemon": {
                "state": self.state.value,
                "is_running": self.is_running,
                "uptime_seconds": self.uptime_seconds,
                "total_checks_run": self.total_checks_run,
                "success_rate": rate,
                "average_duration_seconds": average,
                "memory_mb": round(self.memory_mb, 1) if self.memory_mb is not None else None,
                "memory_limit_mb": self.memory_limit_mb,
                "memory_warning": self.memory_warning,
            },
            "checks": checks,
            "scheduler": {
                "is_running": self.scheduler_running,
                "active_tasks": self.active_tasks,
                "task_statuses": {
                    n: schedule_dict(n, c) for n, c in self.checks.items() if c.schedule is not None
                },
            },
            "history": history,
            "notifications": self.notifications,
            "plugins": {
                "loaded": [p.name for p in self.plugins if p.status == "loaded"],
                "failed": [plugin_dict(p) for p in self.load_failures],
            },
            "watch": self.watch.model_dump(mode="json") if self.watch is not None else None,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _metrics_dict(metrics: CheckMetrics) -> dict[str, Any]:
    data = metrics.model_dump()
    data["last_execution"] = _iso(metrics.last_execution)
    data["last_success"] = _iso(metrics.last_success)
    return data


def metrics_dict(metrics: CheckMetrics | None) -> dict[str, Any]:
    """JSON-ready figures (ISO timestamps); ``{"execution_count": 0}`` for none."""
    return _metrics_dict(metrics) if metrics is not None else {"execution_count": 0}


def plugin_dict(plugin: PluginSnapshot) -> dict[str, Any]:
    """The ``autocode plugins --json`` form of one plugin."""
    data = plugin.model_dump(exclude={"label"})
    data["hooks"] = list(plugin.hooks)
    return data


def schedule_dict(name: str, check: CheckSnapshot) -> dict[str, Any]:
    """The scheduler's JSON form of one check's task (``GET /api/scheduler/tasks``)."""
    s = check.schedule
    assert s is not None
    return {
        "name": name,
        "enabled": s.enabled,
        "paused": s.paused,
        "running": check.running,
        "interval_seconds": s.interval_seconds,
        "next_run": _iso(s.next_run),
        "last_run": _iso(s.last_run),
        "last_duration_seconds": s.last_duration_seconds,
        "last_lateness_seconds": s.last_lateness_seconds,
        "run_count": s.run_count,
        "error_count": s.error_count,
        "last_error": s.last_error,
        "coalesced_runs": s.coalesced_runs,
    }


def now_utc() -> datetime:
    """The wall-clock time a snapshot is taken at."""
    return datetime.fromtimestamp(time.time(), UTC)
