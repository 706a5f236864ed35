"""``show``, ``status``, ``history``, ``plugins``, ``config show``: findings and JSON everywhere."""

from __future__ import annotations

import json

from .conftest import autocode


def test_show_prints_the_latest_result_with_its_findings(findings_env, project) -> None:
    before = autocode(findings_env, "show", "failing_check", cwd=project)
    assert before.returncode == 0 and "no result yet" in before.stdout
    autocode(findings_env, "check", cwd=project)
    done = autocode(findings_env, "show", "failing_check", "--max-items", "3", cwd=project)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("❌ failing_check: 15 tests failing, 1 missing")
    assert lines[1] == "    15 failing tests in 1 file, 1 missing test"
    assert lines[-1] == "    … and 13 more (12 failing tests in 1 file, 1 missing test)"
    doc = json.loads(autocode(findings_env, "show", "failing_check", "--json", cwd=project).stdout)
    assert doc["result"]["status"] == "error"
    assert doc["result"]["findings_total"] == 16 and len(doc["result"]["findings"]) == 16
    unknown = autocode(findings_env, "show", "nope", cwd=project)
    assert unknown.returncode == 2 and "unknown check 'nope'" in unknown.stderr


def test_status_and_history_show_findings_when_asked(findings_env, project) -> None:
    autocode(findings_env, "check", cwd=project)
    status = autocode(findings_env, "status", "-v", "--max-items", "1", cwd=project).stdout.splitlines()
    at = next(i for i, line in enumerate(status) if line.startswith("❌ failing_check"))
    assert status[at + 1:at + 4] == [
        "    15 failing tests in 1 file, 1 missing test",
        "    ✗ tests/test_a.py::test_1: assert 1 == 0",
        "    … and 15 more (14 failing tests in 1 file, 1 missing test)",
    ]
    assert "    15 failing tests" not in autocode(findings_env, "status", cwd=project).stdout
    doc = json.loads(autocode(findings_env, "status", "--format", "json", "-v", cwd=project).stdout)
    assert doc["checks"]["failing_check"]["findings_total"] == 16
    assert len(doc["checks"]["failing_check"]["findings"]) == 10
    history = autocode(findings_env, "history", "failing_check", "-v", cwd=project).stdout.splitlines()
    assert history[1] == "    15 failing tests in 1 file, 1 missing test"
    runs = json.loads(autocode(findings_env, "history", "--json", "-vv", cwd=project).stdout)["runs"]
    assert {r["check_name"]: r["findings_total"] for r in runs} == {"failing_check": 16, "quiet_check": 0}


def test_every_reading_command_speaks_json(findings_env, project) -> None:
    for args in (["plugins"], ["config", "show"], ["status"], ["history"], ["show", "quiet_check"]):
        for flag in (["--json"], ["--format", "json"]):
            done = autocode(findings_env, *args, *flag, cwd=project)
            assert done.returncode == 0, (args, done.stderr)
            assert isinstance(json.loads(done.stdout), dict)
