"""The shared read SQL, on SQLite: figures computed by the database."""

from __future__ import annotations

from autocode_core import CheckResult
from autocode_core.store import history_queries
from autocode_core.store.history import HistoryStore


def test_metrics_p95_and_streak_come_from_sql(tmp_path) -> None:
    store = HistoryStore(tmp_path / "h.db", project="p")
    for n in range(1, 21):  # durations 1..20: nearest-rank p95 is the 19th
        store.record(CheckResult(check_name="c", status="success", message="m", duration_seconds=n))
    for _ in range(3):
        store.record(CheckResult(check_name="c", status="error", message="m"))
    figures = history_queries.metrics(store._query, ("1 = 1", ()))["c"]
    assert figures["execution_count"] == 23 and figures["consecutive_errors"] == 3
    assert figures["p95_duration_seconds"] == 19.0
    assert figures["status_counts"] == {"success": 20, "warning": 0, "error": 3}
    assert figures["average_duration_seconds"] == sum(range(1, 21)) / 23
    store.close()


def test_projects_lists_the_latest_verdict_of_each_check(tmp_path) -> None:
    for project, status in (("a", "warning"), ("b", "success")):
        store = HistoryStore(tmp_path / "h.db", project=project)
        store.record(CheckResult(check_name="c", status="success", message="first"))
        store.record(CheckResult(check_name="c", status=status, message="latest"))
        store.close()
    overview = history_queries.projects(HistoryStore(tmp_path / "h.db")._query)
    assert overview["a"]["status"] == "warning" and overview["b"]["status"] == "success"
    assert overview["a"]["checks"]["c"] | {"timestamp": None} == {
        "status": "warning", "message": "latest", "timestamp": None, "runs": 2}
    assert history_queries.iso(None) is None
