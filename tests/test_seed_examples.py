"""The design document's own tests ("Testing y Validación"), in working form."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocode_core import AutocodeConfig, AutocodeDaemon, Scheduler


def test_daemon_initialization(project) -> None:
    daemon = AutocodeDaemon()
    assert daemon.project_root == Path.cwd()
    assert isinstance(daemon.config, AutocodeConfig)
    assert daemon.total_checks_run == 0


def test_scheduler_task_management() -> None:
    scheduler = Scheduler()
    scheduler.add_task("test", lambda: None, 60)
    assert "test" in scheduler.tasks


@pytest.mark.anyio
async def test_daemon_lifecycle(project, monkeypatch) -> None:
    monkeypatch.setenv("AUTOCODE__DAEMON__RUN_AT_START", "false")  # installed checks need not run here
    daemon = AutocodeDaemon()

    # Test start
    await daemon.start()
    assert daemon.is_running()
    assert daemon.start_time is not None

    # Test stop
    daemon.stop()
    assert not daemon.is_running()
    assert daemon.start_time is None


def test_concurrent_check_execution(project) -> None:
    for plugin in ("autocode_docs", "autocode_git", "autocode_tests"):
        pytest.importorskip(plugin, reason="the first-party plugins are installed by requirements-dev.txt")
    from autocode_core import CheckResult
    from autocode_core.testing import make_git_repo

    repo = make_git_repo(project)
    repo.write("pkg/__init__.py")
    repo.write("pkg/core.py", "def f():\n    return 1\n")
    repo.write("tests/pkg/test_core.py", "from pkg.core import f\n\ndef test_f():\n    assert f() == 1\n")
    repo.write("pytest.ini", "[pytest]\n")
    repo.commit("initial")
    daemon = AutocodeDaemon()

    # Execute multiple checks simultaneously
    results = []
    for check_name in ["doc_check", "git_check", "test_check"]:
        result = daemon.run_check_manually(check_name)
        results.append(result)

    assert all(isinstance(r, CheckResult) for r in results)
    by_name = {r.check_name: r for r in results}
    assert by_name["doc_check"].status == "warning"  # pkg/core.py has no docs/pkg/core.md
    assert by_name["git_check"].status == "success", by_name["git_check"].message
    # the unit test exists and passes; the folder's integration test is missing
    assert by_name["test_check"].message == "⚠️ 1 test missing", by_name["test_check"].message
