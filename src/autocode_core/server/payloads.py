"""The JSON the API sends: results (full or compact), check entries, status.

``compact_result`` keeps what a poller or the event stream needs (status,
message, time, duration) plus the small scalar figures of ``details`` (counts,
totals, flags); lists and long text stay behind ``GET /api/checks/{name}``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse

from autocode_core.models import CheckResult

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

__all__ = [
    "ApiJSONResponse",
    "check_entry",
    "compact_details",
    "compact_result",
    "full_result",
    "known_checks",
    "status_payload",
]

MAX_MESSAGE = 500
MAX_TEXT = 120
MAX_KEYS = 40


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class ApiJSONResponse(JSONResponse):
    """JSON that never fails on NaN or infinity (sent as null) or odd types (sent as text)."""

    def render(self, content: Any) -> bytes:
        try:
            text = json.dumps(
                content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str
            )
        except ValueError:
            text = json.dumps(
                _finite(content),
                ensure_ascii=False,
                allow_nan=False,
                separators=(",", ":"),
                default=str,
            )
        return text.encode("utf-8")


def compact_details(details: Any, depth: int = 0) -> dict[str, Any]:
    """Scalars and nested tables of scalars from ``details``; lists and long text dropped."""
    out: dict[str, Any] = {}
    if not isinstance(details, dict):
        return out
    for key, value in details.items():
        if len(out) >= MAX_KEYS:
            break
        if value is None or isinstance(value, bool | int):
            out[str(key)] = value
        elif isinstance(value, float):
            out[str(key)] = value if math.isfinite(value) else None
        elif isinstance(value, str) and len(value) <= MAX_TEXT:
            out[str(key)] = value
        elif isinstance(value, dict) and depth < 2:
            nested = compact_details(value, depth + 1)
            if nested:
                out[str(key)] = nested
    return out


def compact_result(result: CheckResult | None) -> dict[str, Any] | None:
    """A small form of ``result`` for polling and events."""
    if result is None:
        return None
    message = result.message
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return {
        "check_name": result.check_name,
        "status": result.status,
        "message": message,
        "timestamp": result.timestamp.isoformat() if result.timestamp else None,
        "duration_seconds": result.duration_seconds,
        "summary": compact_details(result.details),
    }


def full_result(result: CheckResult | None) -> dict[str, Any] | None:
    """``result`` with every detail."""
    return None if result is None else result.model_dump(mode="json")


def known_checks(daemon: AutocodeDaemon) -> list[str]:
    """Loaded checks, then the checks of plugins that failed to load."""
    names = list(daemon.check_names)
    for info in daemon.failed_plugins:
        name = info.check or info.name
        if name not in names:
            names.append(name)
    return names


def check_entry(
    daemon: AutocodeDaemon, name: str, *, running: Collection[str] = (), full: bool = False
) -> dict[str, Any]:
    """What the API says about one check: plugin, schedule, latest result.

    ``running`` names checks known to run besides scheduled runs (API runs).
    """
    entry = daemon.plugins.checks.get(name)
    result = daemon.results.get(name)
    if entry is None:  # its plugin failed to load
        info = next((i for i in daemon.failed_plugins if name in (i.check, i.name)), None)
        return {
            "name": name,
            "loaded": False,
            "description": "",
            "plugin": info.to_dict() if info else None,
            "enabled": False,
            "paused": False,
            "running": False,
            "interval_minutes": None,
            "next_run": None,
            "last_run": None,
            "result": full_result(result) if full else compact_result(result),
        }
    task = daemon.scheduler.get_task_status(name)
    plugin = entry.plugin
    return {
        "name": name,
        "loaded": True,
        "description": entry.defaults.description,
        "plugin": {
            "name": plugin.name,
            "distribution": plugin.distribution,
            "version": plugin.version,
        },
        "enabled": task["enabled"],
        "paused": task["paused"],
        "running": task["running"] or name in running,
        "interval_minutes": task["interval_seconds"] / 60,
        "next_run": task["next_run"],
        "last_run": result.timestamp.isoformat()
        if result and result.timestamp
        else task["last_run"],
        "result": full_result(result) if full else compact_result(result),
    }


def status_payload(daemon: AutocodeDaemon) -> dict[str, Any]:
    """``GET /api/status``: the daemon, the scheduler and the compact latest results."""
    status = daemon.get_status()
    data = status.model_dump(mode="json", exclude={"checks"})
    return {
        "daemon": data,
        "scheduler": {
            "is_running": daemon.scheduler.is_running(),
            "active_tasks": len(daemon.scheduler.get_active_tasks()),
        },
        "checks": {name: compact_result(r) for name, r in sorted(status.checks.items())},
        "failed_plugins": [i.name for i in daemon.failed_plugins],
    }
