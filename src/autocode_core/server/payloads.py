"""The JSON the API sends: results (full or compact), check entries, status.

``compact_result`` keeps what a poller, the event stream and a dashboard card
need (status, message, time, duration), the small scalar figures of
``details`` (counts, totals, flags), the first ``MAX_FINDINGS`` findings (each
message cut to ``MAX_MESSAGE``) with their total count, and the end of a
traceback (``MAX_TRACEBACK`` characters); other lists and long text stay behind
``GET /api/checks/{name}``. ``executed_on`` says where a remote executor ran it
(``{"worker", "queue"}``, ``None`` for a local run; ``executed_on``), and is
left out of ``summary``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.responses import JSONResponse

from autocode_core.daemon.snapshot import CheckSnapshot, DaemonSnapshot, plugin_dict
from autocode_core.models import CheckResult, Finding

__all__ = [
    "ApiJSONResponse",
    "check_entry",
    "compact_details",
    "compact_findings",
    "compact_result",
    "executed_on",
    "full_result",
    "status_payload",
]

MAX_MESSAGE = 500
MAX_TEXT = 120
MAX_KEYS = 40
MAX_FINDINGS = 20
MAX_TRACEBACK = 4000


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


def _cut(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def compact_findings(findings: list[Finding]) -> list[dict[str, Any]]:
    """The first ``MAX_FINDINGS`` findings, worst first, messages cut, ``data`` compacted."""
    rank = {"error": 0, "warning": 1, "info": 2}
    ordered = sorted(findings, key=lambda f: rank.get(f.severity, 3))  # stable: plugin order kept
    return [
        {
            "message": _cut(f.message),
            "severity": f.severity,
            "kind": f.kind,
            "path": f.path,
            "line": f.line,
            "id": f.id,
            "data": compact_details(f.data) | _code_list(f.data),
        }
        for f in ordered[:MAX_FINDINGS]
    ]


def _code_list(data: dict[str, Any]) -> dict[str, Any]:
    """A short list of paths (``code``) kept beside the scalars: it names what changed."""
    code = data.get("code")
    if isinstance(code, list) and all(isinstance(c, str) for c in code):
        return {"code": [_cut(c, MAX_TEXT) for c in code[:5]]}
    return {}


#: id(result) -> (result, its compact form): results are frozen, so each is compacted once
#: (the latest results are asked for by every status poll); the result is kept so its id
#: cannot be reused while it is cached
_COMPACTED: dict[int, tuple[CheckResult, dict[str, Any]]] = {}
MAX_COMPACTED = 512


def compact_result(result: CheckResult | None) -> dict[str, Any] | None:
    """A small form of ``result`` for polling, events and the dashboard's cards.

    The same result gives the same (shared) dict: callers must not change it.
    """
    if result is None:
        return None
    cached = _COMPACTED.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    compact = _compact(result)
    if len(_COMPACTED) >= MAX_COMPACTED:
        _COMPACTED.pop(next(iter(_COMPACTED)))  # the oldest
    _COMPACTED[id(result)] = (result, compact)
    return compact


def executed_on(details: Any) -> dict[str, str] | None:
    """Where a run executed, from its ``details["executed_on"]`` (set by a remote
    executor such as autocode-celery): ``{"worker": ..., "queue": ...}`` (each text cut
    to ``MAX_TEXT``), or ``None`` for a local run or a malformed value."""
    where = details.get("executed_on") if isinstance(details, dict) else None
    if not isinstance(where, dict) or not isinstance(where.get("worker"), str):
        return None
    queue = where.get("queue")
    return {"worker": _cut(where["worker"], MAX_TEXT), "queue": _cut(queue, MAX_TEXT) if isinstance(queue, str) else ""}


def _compact(result: CheckResult) -> dict[str, Any]:
    trace = result.details.get("traceback") if isinstance(result.details, dict) else None
    summary = compact_details(result.details)
    summary.pop("executed_on", None)  # shown on its own (the card's meta line)
    return {
        "check_name": result.check_name,
        "status": result.status,
        "message": _cut(result.message),
        "timestamp": result.timestamp.isoformat() if result.timestamp else None,
        "duration_seconds": result.duration_seconds,
        "summary": summary,
        "executed_on": executed_on(result.details),
        "findings": compact_findings(result.findings),
        "findings_total": len(result.findings),
        "traceback": trace[-MAX_TRACEBACK:] if isinstance(trace, str) and trace else None,
    }


def full_result(result: CheckResult | None) -> dict[str, Any] | None:
    """``result`` with every detail."""
    return None if result is None else result.model_dump(mode="json")


def check_entry(
    check: CheckSnapshot, *, full: bool = False, with_result: bool = True
) -> dict[str, Any]:
    """What the API says about one check: plugin, schedule, run in progress, latest result
    (``result``: full, compact, or left out with ``with_result=False``)."""
    if not with_result:
        entry = _entry(check, None)
        del entry["result"]
        return entry
    return _entry(check, full_result(check.result) if full else compact_result(check.result))


def _entry(check: CheckSnapshot, result: dict[str, Any] | None) -> dict[str, Any]:
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
        # whole seconds: the scheduler derives it from a monotonic clock each time, and a
        # microsecond of jitter would change the answer (and its ETag) on every request
        "next_run": schedule.next_run.replace(microsecond=0).isoformat() if schedule.next_run else None,
        "last_run": last_run.isoformat() if last_run else None,
        "result": result,
    }


def status_payload(snapshot: DaemonSnapshot) -> dict[str, Any]:
    """``GET /api/status``: the daemon, the scheduler and the compact latest results.

    ``entries`` holds every known check as ``GET /api/checks`` lists it (schedule,
    saved pause/enable, run in progress) without ``result``, which is
    ``checks[name]`` (compact, with findings): all a dashboard needs for its
    first paint, in one request. ``taken_at`` is when
    the snapshot was taken (the server's clock).
    """
    data = snapshot.status().model_dump(mode="json", exclude={"checks"})
    data["state"] = snapshot.state.value
    data["taken_at"] = snapshot.taken_at.isoformat()
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
        "entries": [
            check_entry(check, with_result=False) for _, check in sorted(snapshot.checks.items())
        ],
        "watch": snapshot.watch.model_dump(mode="json") if snapshot.watch is not None else None,
    }
