"""The history's reads that both databases share, written once in portable SQL.

SQLite and PostgreSQL run the same statements (``?`` placeholders; the
PostgreSQL store turns them into ``%s``). Every figure is computed by the
database (counts and sums in one grouped query; per check, the nearest-rank
p95 as one ``ORDER BY duration LIMIT 1 OFFSET`` and the error streak from the
newest non-error run, found through the ``(check_name, id)`` index): nothing
loads a check's rows into Python.

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


def metrics_sql(where: str, group: str = "check_name") -> str:
    """Per check of the scope: count, counts by status, total duration, last run,
    last success, and how many runs have a duration. ``group``: the grouping
    expression (SQLite passes ``check_name || ''``: grouping by the column, it
    walks the ``(check_name, duration)`` index and fetches every row by id, ten
    times slower than one scan of the table)."""
    return f"""
SELECT {group},
       COUNT(*),
       SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'warning' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END),
       SUM(COALESCE(duration, 0)),
       MAX(started_at),
       MAX(CASE WHEN status = 'success' THEN started_at END),
       COUNT(duration)
FROM runs WHERE {where}
GROUP BY {group}
ORDER BY 1"""


def metrics(query: Query, scope: Scope, group: str = "check_name") -> dict[str, dict[str, Any]]:
    """Per check: ``execution_count``, ``status_counts``, ``average_duration_seconds``,
    ``p95_duration_seconds`` (nearest rank, one ``ORDER BY duration ... OFFSET`` query),
    ``last_execution``, ``last_success``, ``consecutive_errors`` (the errors after the newest
    run that is not one, found from the newest backwards): the shape of ``CheckMetrics``."""
    where, args = scope
    out: dict[str, dict[str, Any]] = {}
    for name, count, ok, warn, err, total, last, success, timed in query(metrics_sql(where, group), args):
        p95 = None
        if timed:
            rank = (int(timed) * 95 + 99) // 100  # ceil(0.95 n), at least 1
            rows = query(f"SELECT duration FROM runs WHERE {where} AND check_name = ? AND duration IS NOT NULL"
                         " ORDER BY duration LIMIT 1 OFFSET ?", (*args, name, rank - 1))
            p95 = float(rows[0][0]) if rows else None
        calm = query(f"SELECT id FROM runs WHERE {where} AND check_name = ? AND status <> 'error'"
                     " ORDER BY id DESC LIMIT 1", (*args, name))
        streak = query(f"SELECT COUNT(*) FROM runs WHERE {where} AND check_name = ? AND status = 'error'"
                       " AND id > ?", (*args, name, calm[0][0] if calm else 0))
        out[name] = {
            "execution_count": int(count),
            "status_counts": {"success": int(ok), "warning": int(warn), "error": int(err)},
            "average_duration_seconds": float(total or 0.0) / int(count),
            "p95_duration_seconds": p95,
            "last_execution": iso(last),
            "last_success": iso(success),
            "consecutive_errors": int(streak[0][0]) if streak else 0,
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
