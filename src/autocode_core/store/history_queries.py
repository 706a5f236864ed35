"""The history's reads that both databases share, written once in portable SQL.

SQLite and PostgreSQL run the same statements (``?`` placeholders; the
PostgreSQL store turns them into ``%s``). Every figure is computed by the
database (counts, sums, the nearest-rank p95 through a window function, the
error streak through the newest non-error run): nothing loads a check's rows
into Python, so metrics over a million runs cost one query.

``scope`` is a ``WHERE`` fragment with its arguments: ``("project = ?",
(name,))`` in a shared database, ``("1 = 1", ())`` in a project's own file
(whose older runs carry no project name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

__all__ = ["Scope", "metrics", "metrics_sql", "projects", "projects_sql"]

Scope = tuple[str, tuple[Any, ...]]
Query = Callable[[str, tuple[Any, ...]], Sequence[Sequence[Any]]]


def metrics_sql(where: str) -> str:
    """Per check of the scope: count, counts by status, total duration, last run,
    last success, nearest-rank p95 duration, and the current error streak."""
    return f"""
WITH scoped AS (SELECT id, check_name, status, duration, started_at FROM runs WHERE {where}),
ranked AS (
    SELECT check_name, duration,
           ROW_NUMBER() OVER (PARTITION BY check_name ORDER BY duration) AS rn,
           COUNT(*) OVER (PARTITION BY check_name) AS n
    FROM scoped WHERE duration IS NOT NULL
),
p95 AS (SELECT check_name, duration FROM ranked WHERE rn = (n * 95 + 99) / 100),
calm AS (SELECT check_name, MAX(id) AS id FROM scoped WHERE status <> 'error' GROUP BY check_name)
SELECT s.check_name,
       COUNT(*),
       SUM(CASE WHEN s.status = 'success' THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.status = 'warning' THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.status = 'error' THEN 1 ELSE 0 END),
       SUM(COALESCE(s.duration, 0)),
       MAX(s.started_at),
       MAX(CASE WHEN s.status = 'success' THEN s.started_at END),
       MAX(p95.duration),
       SUM(CASE WHEN s.status = 'error' AND s.id > COALESCE(calm.id, 0) THEN 1 ELSE 0 END)
FROM scoped s
LEFT JOIN p95 ON p95.check_name = s.check_name
LEFT JOIN calm ON calm.check_name = s.check_name
GROUP BY s.check_name
ORDER BY s.check_name"""


def metrics(query: Query, scope: Scope) -> dict[str, dict[str, Any]]:
    """Per check: ``execution_count``, ``status_counts``, ``average_duration_seconds``,
    ``p95_duration_seconds``, ``last_execution``, ``last_success``,
    ``consecutive_errors`` (the shape of ``CheckMetrics``)."""
    where, args = scope
    out: dict[str, dict[str, Any]] = {}
    for name, count, ok, warn, err, total, last, success, p95, streak in query(metrics_sql(where), args):
        out[name] = {
            "execution_count": int(count),
            "status_counts": {"success": int(ok), "warning": int(warn), "error": int(err)},
            "average_duration_seconds": float(total or 0.0) / int(count),
            "p95_duration_seconds": None if p95 is None else float(p95),
            "last_execution": iso(last),
            "last_success": iso(success),
            "consecutive_errors": int(streak or 0),
        }
    return out


def projects_sql() -> str:
    """Per project and check: the newest run's status, message and time, and how many runs."""
    return """
SELECT r.project, r.check_name, r.status, r.message, r.started_at, c.n
FROM runs r
JOIN (SELECT project, check_name, MAX(id) AS id, COUNT(*) AS n FROM runs GROUP BY project, check_name) c
  ON c.id = r.id
ORDER BY r.project, r.check_name"""


def projects(query: Query) -> dict[str, dict[str, Any]]:
    """Every project in the database with the latest verdict of each of its checks:
    ``{project: {"checks": {check: {"status", "message", "timestamp", "runs"}},
    "status": worst latest status, "last_run": newest time}}``."""
    order = {"success": 0, "warning": 1, "error": 2}
    out: dict[str, dict[str, Any]] = {}
    for project, check, status, message, started, runs in query(projects_sql(), ()):
        entry = out.setdefault(project, {"checks": {}, "status": "success", "last_run": None})
        entry["checks"][check] = {"status": status, "message": message, "timestamp": iso(started), "runs": int(runs)}
        if order.get(status, 2) > order.get(entry["status"], 0):
            entry["status"] = status
        stamp = iso(started)
        if entry["last_run"] is None or (stamp is not None and stamp > entry["last_run"]):
            entry["last_run"] = stamp
    return out


def iso(epoch: float | None) -> str | None:
    """An epoch in seconds as an ISO time in UTC (``None`` stays ``None``)."""
    return None if epoch is None else datetime.fromtimestamp(float(epoch), UTC).isoformat()
