"""Health metrics of a daemon: process memory and the design document's report."""

from __future__ import annotations

import os
import resource
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

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


def _notification_health(daemon: AutocodeDaemon) -> dict[str, Any]:
    plugin = daemon.plugins.manager.get_plugin("notifications")
    config = daemon.config.notifications
    return {
        "enabled": bool(plugin is not None and config.enabled),
        "channels": plugin.health() if plugin is not None and hasattr(plugin, "health") else {},
    }


def build_health(daemon: AutocodeDaemon) -> dict[str, Any]:
    """``{"daemon": ..., "checks": ..., "scheduler": ..., "plugins": ...}`` for a daemon."""
    used = memory_mb()
    limit = daemon.config.daemon.max_memory_usage_mb
    stats = daemon.stats
    store = daemon.history
    stored = store.metrics() if store is not None else {}  # survives restarts
    checks: dict[str, Any] = {}
    for name, result in sorted(daemon.results.items()):
        per = stats.checks.get(name)
        figures = stored.get(name) or (per.to_dict() if per else {"execution_count": 0})
        checks[name] = {
            "last_status": result.status,
            "last_message": result.message,
            "last_execution": result.timestamp.isoformat() if result.timestamp else None,
            "duration_seconds": result.duration_seconds,
            **figures,
        }
    history = {"enabled": store is not None}
    if store is not None:
        history |= {"path": str(store.path), "stored_runs": store.count(),
                    "recovered_from": str(store.recovered_from) if store.recovered_from else None}
        total = sum(c["execution_count"] for c in stored.values())
        ok = sum(c["status_counts"].get("success", 0) for c in stored.values())
        history["success_rate"] = ok / total if total else None
        history["average_duration_seconds"] = (
            sum(c["average_duration_seconds"] * c["execution_count"] for c in stored.values()) / total
            if total else None
        )
    scheduler = daemon.scheduler
    return {
        "daemon": {
            "is_running": daemon.is_running(),
            "uptime_seconds": time.time() - daemon.start_time if daemon.start_time else 0,
            "total_checks_run": daemon.total_checks_run,
            "success_rate": history["success_rate"] if store is not None else stats.success_rate,
            "average_duration_seconds": (
                history["average_duration_seconds"] if store is not None else stats.average_duration
            ),
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
        "history": history,
        "notifications": _notification_health(daemon),
        "plugins": {
            "loaded": [p.name for p in daemon.plugins.plugins if p.status == "loaded"],
            "failed": [p.to_dict() for p in daemon.failed_plugins],
        },
    }
