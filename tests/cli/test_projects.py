"""autocode status --all-projects over a shared PostgreSQL history."""

from __future__ import annotations

import json

import pytest
import structlog

from autocode_core import CheckResult
from autocode_core.cli.main import main
from autocode_core.store.history_postgres import PostgresHistory


@pytest.fixture(autouse=True)
def _logging_reset():
    yield
    structlog.reset_defaults()  # main() configured logging onto the captured stdout


@pytest.mark.postgres
def test_status_all_projects_lists_each_project(tmp_path, postgres_url, capsys) -> None:
    for project, status in (("shop", "error"), ("blog", "success")):
        store = PostgresHistory(postgres_url, project=project)
        store.record(CheckResult(check_name="test_check", status=status, message=f"{project} {status}"))
        store.close()
    (tmp_path / "autocode.toml").write_text(f'[history]\nurl = "{postgres_url}"\nproject = "shop"\n')
    assert main(["status", "--all-projects", "-C", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "❌ shop" in text and "✅ blog" in text and "shop error" in text
    assert main(["status", "--all-projects", "--format", "json", "-C", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["projects"]["shop"]["checks"]["test_check"]["status"] == "error"


def test_status_says_where_a_remote_run_executed(tmp_path, capsys) -> None:
    from autocode_core.store.history import HistoryStore  # git_check: installed by requirements-dev

    store = HistoryStore(tmp_path / ".autocode" / "history.db")
    store.record(CheckResult(check_name="git_check", status="success", message="ok",
                             details={"executed_on": {"worker": "w1@fleet", "queue": "big", "commit": "abc"}}))
    store.close()
    assert main(["status", "-C", str(tmp_path)]) == 0
    assert "on w1@fleet (big)" in capsys.readouterr().out
