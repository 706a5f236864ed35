"""The daemon's figures in the Prometheus text exposition format (0.0.4).

Counters count since the daemon process started (Prometheus handles resets);
``last success`` falls back to the run history, so it survives restarts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from autocode_core.daemon.health import memory_mb

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

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


def render_metrics(
    daemon: AutocodeDaemon, stored: Mapping[str, Mapping[str, Any]] | None = None
) -> str:
    """The exposition text; ``stored`` is the history's per-check metrics (optional)."""
    stored = stored or {}
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
    }
    fam["up"].add(1 if daemon.is_running() else 0)
    fam["uptime"].add(time.time() - daemon.start_time if daemon.start_time else 0.0)
    used, limit = memory_mb(), daemon.config.daemon.max_memory_usage_mb
    fam["memory"].add(None if used is None else used * 1024 * 1024)
    fam["mem_limit"].add(None if limit is None else limit * 1024 * 1024)
    fam["total"].add(daemon.total_checks_run)
    fam["failed"].add(len(daemon.failed_plugins))
    tasks = daemon.scheduler.get_all_tasks_status()
    names = sorted(set(daemon.check_names) | set(daemon.results))
    for name in names:
        stats = daemon.stats.checks.get(name)
        for status in STATUSES:
            fam["runs"].add(
                stats.status_counts.get(status, 0) if stats else 0, check=name, status=status
            )
        if stats is not None:
            fam["duration"].add(stats.total_duration, "_sum", check=name)
            fam["duration"].add(stats.execution_count, "_count", check=name)
            fam["errors"].add(stats.consecutive_errors, check=name)
        result = daemon.results.get(name)
        if result is not None:
            fam["last_duration"].add(result.duration_seconds, check=name)
            fam["last_run"].add(_epoch(result.timestamp), check=name)
            for status in STATUSES:
                fam["status"].add(1 if result.status == status else 0, check=name, status=status)
        last_ok = (stats.last_success if stats else None) or (stored.get(name) or {}).get(
            "last_success"
        )
        fam["last_ok"].add(_epoch(last_ok), check=name)
        task = tasks.get(name)
        if task is not None:
            fam["enabled"].add(1 if task["enabled"] else 0, check=name)
            fam["paused"].add(1 if task["paused"] else 0, check=name)
    return "\n".join(line for family in fam.values() for line in family.lines()) + "\n"
