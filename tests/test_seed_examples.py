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
