"""GET /api/projects over a shared PostgreSQL history, and readiness while it is down."""

from __future__ import annotations

import pytest

from autocode_core import CheckResult
from autocode_core.store.history_postgres import PostgresHistory

pytestmark = pytest.mark.postgres


def test_projects_lists_every_project_with_its_latest_verdicts(make_server, postgres_url) -> None:
    other = PostgresHistory(postgres_url, project="blog")
    other.record(CheckResult(check_name="test_check", status="error", message="2 failing"))
    other.close()
    server = make_server({"history": {"url": postgres_url, "project": "shop"}})
    assert server.client.post("/api/checks/quick_check/run").status_code == 200
    body = server.client.get("/api/projects").json()
    assert body["shared"] is True
    assert body["projects"]["blog"]["status"] == "error"
    assert body["projects"]["blog"]["checks"]["test_check"]["message"] == "2 failing"
    assert body["projects"]["shop"]["checks"]["quick_check"]["runs"] == 1


def test_an_unreachable_database_makes_the_daemon_degraded_not_stopped(make_server, postgres_server) -> None:
    url = f"postgresql://autocode:pw@127.0.0.1:{postgres_server.port + 1}/nowhere"
    server = make_server({"history": {"url": url}})
    assert server.client.post("/api/checks/quick_check/run").status_code == 200  # the check ran
    ready = server.client.get("/health/ready").json()
    assert ready["status"] == "degraded"
    assert any("database unreachable" in reason and "1 run(s) waiting" in reason for reason in ready["reasons"])
    assert "pw" not in str(ready)
