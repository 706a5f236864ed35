"""The daemon's figures in the Prometheus text exposition format (0.0.4).

Counters count since the daemon process started (Prometheus handles resets);
``last success`` falls back to the run history, so it survives restarts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime

from autocode_core.daemon.snapshot import DaemonSnapshot

__all__ = ["CONTENT_TYPE", "render_metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
STATUSES = ("success", "warning", "error")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if isinstance(value, float) else str(value)


class _Family:
    def __init__(self, name: str, kind: str, help_text: str) -> None:
        self.name, self.kind, self.help = name, kind, help_text
        self.samples: list[tuple[str, dict[str, str], float]] = []

    def add(self, value: float | None, suffix: str = "", **labels: str) -> None:
        if value is not None:
            self.samples.append((suffix, labels, value))

    def lines(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} {self.kind}"
        for suffix, labels, value in self.samples:
            text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
            yield (
                f"{self.name}{suffix}{{{text}}} {_number(value)}"
                if text
                else f"{self.name}{suffix} {_number(value)}"
            )


def _epoch(value: datetime | str | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.timestamp()


def render_metrics(snapshot: DaemonSnapshot) -> str:
    """The exposition text of a snapshot (taken with the history's figures, for ``last success``)."""
    fam = {
        "up": _Family(
            "autocode_daemon_running", "gauge", "1 while the daemon's scheduler loop runs."
        ),
        "uptime": _Family(
            "autocode_daemon_uptime_seconds", "gauge", "Seconds since the daemon started."
        ),
        "memory": _Family(
            "autocode_daemon_memory_bytes", "gauge", "Resident memory of the daemon process."
        ),
        "mem_limit": _Family(
            "autocode_daemon_memory_limit_bytes", "gauge", "Configured memory limit."
        ),
        "total": _Family(
            "autocode_daemon_check_runs_total", "counter", "Check runs since the daemon started."
        ),
        "failed": _Family("autocode_plugins_failed", "gauge", "Plugins that failed to load."),
        "runs": _Family(
            "autocode_check_runs_total", "counter", "Runs of a check by result status."
        ),
        "duration": _Family(
            "autocode_check_duration_seconds", "summary", "Duration of a check's runs."
        ),
        "last_duration": _Family(
            "autocode_check_last_duration_seconds", "gauge", "Duration of the latest run."
        ),
        "last_run": _Family(
            "autocode_check_last_run_timestamp_seconds", "gauge", "Unix time of the latest run."
        ),
        "last_ok": _Family(
            "autocode_check_last_success_timestamp_seconds",
            "gauge",
            "Unix time of the latest successful run.",
        ),
        "status": _Family(
            "autocode_check_status", "gauge", "1 for the status of the latest run, else 0."
        ),
        "errors": _Family(
            "autocode_check_consecutive_errors", "gauge", "Errors in a row of a check."
        ),
        "enabled": _Family("autocode_check_enabled", "gauge", "1 when the check is scheduled."),
        "paused": _Family(
            "autocode_check_paused", "gauge", "1 when the check's schedule is paused."
        ),
        "workers": _Family(
            "autocode_executor_events_total",
            "counter",
            "Executor events since the daemon started (worker processes started, crashed, "
            "killed on timeout, memory limit or cancellation, retired).",
        ),
    }
    for executor, counters in sorted(snapshot.executors.items()):
        for event, count in sorted(counters.items()):
            fam["workers"].add(count, executor=executor, event=event)
    fam["up"].add(1 if snapshot.is_running else 0)
    fam["uptime"].add(snapshot.uptime_seconds)
    used, limit = snapshot.memory_mb, snapshot.memory_limit_mb
    fam["memory"].add(None if used is None else used * 1024 * 1024)
    fam["mem_limit"].add(None if limit is None else limit * 1024 * 1024)
    fam["total"].add(snapshot.total_checks_run)
    fam["failed"].add(len(snapshot.load_failures))
    for name, check in sorted(snapshot.checks.items()):
        session = check.session
        for status in STATUSES:
            fam["runs"].add(
                session.status_counts.get(status, 0) if session else 0, check=name, status=status
            )
        if session is not None:
            count = session.execution_count
            fam["duration"].add((session.average_duration_seconds or 0.0) * count, "_sum", check=name)
            fam["duration"].add(count, "_count", check=name)
            fam["errors"].add(session.consecutive_errors, check=name)
        result = check.result
        if result is not None:
            fam["last_duration"].add(result.duration_seconds, check=name)
            fam["last_run"].add(_epoch(result.timestamp), check=name)
            for status in STATUSES:
                fam["status"].add(1 if result.status == status else 0, check=name, status=status)
        last_ok = (session.last_success if session else None) or (
            check.metrics.last_success if check.metrics else None
        )
        fam["last_ok"].add(_epoch(last_ok), check=name)
        if check.schedule is not None:
            fam["enabled"].add(1 if check.schedule.enabled else 0, check=name)
            fam["paused"].add(1 if check.schedule.paused else 0, check=name)
    return "\n".join(line for family in fam.values() for line in family.lines()) + "\n"
