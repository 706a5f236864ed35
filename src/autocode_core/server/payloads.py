"""The JSON the API sends: results (full or compact), check entries, status.

``compact_result`` keeps what a poller or the event stream needs (status,
message, time, duration) plus the small scalar figures of ``details`` (counts,
totals, flags); lists and long text stay behind ``GET /api/checks/{name}``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.responses import JSONResponse

from autocode_core.daemon.snapshot import CheckSnapshot, DaemonSnapshot, plugin_dict
from autocode_core.models import CheckResult

__all__ = [
    "ApiJSONResponse",
    "check_entry",
    "compact_details",
    "compact_result",
    "full_result",
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


def check_entry(check: CheckSnapshot, *, full: bool = False) -> dict[str, Any]:
    """What the API says about one check: plugin, schedule, run in progress, latest result."""
    result = full_result(check.result) if full else compact_result(check.result)
    run = check.run.model_dump(mode="json") if check.run is not None else None
    schedule = check.schedule
    if not check.loaded or schedule is None:  # its plugin failed to load
        return {
            "name": check.name,
            "loaded": False,
            "description": check.description,
            "plugin": plugin_dict(check.plugin) if check.plugin else None,
            "enabled": False,
            "paused": False,
            "running": False,
            "run": None,
            "interval_minutes": None,
            "next_run": None,
            "last_run": None,
            "result": result,
        }
    plugin = check.plugin
    last_run = check.result.timestamp if check.result and check.result.timestamp else schedule.last_run
    return {
        "name": check.name,
        "loaded": True,
        "description": check.description,
        "plugin": {
            "name": plugin.name if plugin else None,
            "distribution": plugin.distribution if plugin else None,
            "version": plugin.version if plugin else None,
        },
        "enabled": schedule.enabled,
        "paused": schedule.paused,
        "saved": {
            "paused": schedule.saved_paused,
            "enabled": schedule.saved_enabled,
            "at": schedule.saved_at.isoformat() if schedule.saved_at else None,
        },
        "running": check.running,
        "run": run,
        "execution": check.execution,
        "last_exit": check.last_exit,
        "interval_minutes": schedule.interval_seconds / 60,
        "next_run": schedule.next_run.isoformat() if schedule.next_run else None,
        "last_run": last_run.isoformat() if last_run else None,
        "result": result,
    }


def status_payload(snapshot: DaemonSnapshot) -> dict[str, Any]:
    """``GET /api/status``: the daemon, the scheduler and the compact latest results."""
    data = snapshot.status().model_dump(mode="json", exclude={"checks"})
    data["state"] = snapshot.state.value
    return {
        "daemon": data,
        "scheduler": {
            "is_running": snapshot.scheduler_running,
            "active_tasks": snapshot.active_tasks,
        },
        "checks": {
            name: compact_result(check.result)
            for name, check in sorted(snapshot.checks.items())
            if check.result is not None
        },
        "running": sorted(name for name, check in snapshot.checks.items() if check.running),
        "failed_plugins": [p.name for p in snapshot.load_failures],
        "watch": snapshot.watch.model_dump(mode="json") if snapshot.watch is not None else None,
    }
