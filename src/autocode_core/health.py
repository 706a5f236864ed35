"""Health metrics of a daemon: process memory and the design document's report."""

from __future__ import annotations

import os
import resource
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autocode_core.daemon import AutocodeDaemon

__all__ = ["build_health", "memory_mb"]


def memory_mb() -> float | None:
    """Resident memory of this process in MiB (current, from /proc; else the peak)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        try:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        except (OSError, ValueError):
            return None


def build_health(daemon: AutocodeDaemon) -> dict[str, Any]:
    """``{"daemon": ..., "checks": ..., "scheduler": ..., "plugins": ...}`` for a daemon."""
    used = memory_mb()
    limit = daemon.config.daemon.max_memory_usage_mb
    stats = daemon.stats
    checks: dict[str, Any] = {}
    for name, result in sorted(daemon.results.items()):
        per = stats.checks.get(name)
        checks[name] = {
            "last_status": result.status,
            "last_message": result.message,
            "last_execution": result.timestamp.isoformat() if result.timestamp else None,
            "duration_seconds": result.duration_seconds,
            **(per.to_dict() if per else {"execution_count": 0}),
        }
    scheduler = daemon.scheduler
    return {
        "daemon": {
            "is_running": daemon.is_running(),
            "uptime_seconds": time.time() - daemon.start_time if daemon.start_time else 0,
            "total_checks_run": daemon.total_checks_run,
            "success_rate": stats.success_rate,
            "average_duration_seconds": stats.average_duration,
            "memory_mb": round(used, 1) if used is not None else None,
            "memory_limit_mb": limit,
            "memory_warning": bool(used is not None and limit is not None and used > limit),
        },
        "checks": checks,
        "scheduler": {
            "is_running": scheduler.is_running(),
            "active_tasks": len(scheduler.get_active_tasks()),
            "task_statuses": scheduler.get_all_tasks_status(),
        },
        "plugins": {
            "loaded": [p.name for p in daemon.plugins.plugins if p.status == "loaded"],
            "failed": [p.to_dict() for p in daemon.failed_plugins],
        },
    }
