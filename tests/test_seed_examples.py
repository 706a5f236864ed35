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
    assert by_name["test_check"].message == "⚠️ 1 test file missing", by_name["test_check"].message


def test_configuration_examples_with_the_plugin_owned_classes(project) -> None:
    """"Configuración por Defecto", "Configuración Dinámica", "Multi-Environment Support" and
    "Resource Limits", as written, with TokenConfig, DocIndexConfig and TestConfig from their plugins."""
    for plugin in ("autocode_docs", "autocode_git", "autocode_tests"):
        pytest.importorskip(plugin, reason="the first-party plugins are installed by requirements-dev.txt")
    from autocode_docs import DocIndexConfig
    from autocode_git import TokenConfig
    from autocode_tests import TestConfig

    from autocode_core import ApiConfig, CheckConfig, DaemonConfig

    config = AutocodeConfig(
        daemon=DaemonConfig(
            doc_check=CheckConfig(enabled=True, interval_minutes=10),
            git_check=CheckConfig(enabled=True, interval_minutes=5),
            test_check=CheckConfig(enabled=True, interval_minutes=5),
            token_alerts=TokenConfig(enabled=True, threshold=50000, model="gpt-4")
        ),
        api=ApiConfig(port=8080, host="127.0.0.1"),
        doc_index=DocIndexConfig(enabled=True, auto_generate=True),
        tests=TestConfig(enabled=True, auto_execute=True)
    )
    daemon = AutocodeDaemon(config=config)
    assert daemon.settings_for("git_check").tokens.threshold == 50000
    assert daemon.settings_for("doc_check").index.output_path == ".clinerules/docs_index.json"
    assert daemon.settings_for("test_check").auto_execute is True
    assert {n: t.interval_seconds for n, t in daemon.scheduler.tasks.items()} == {
        "doc_check": 600, "git_check": 300, "test_check": 300}

    # Actualizar configuración sin reiniciar
    daemon.update_config(AutocodeConfig(
        daemon=DaemonConfig(
            doc_check=CheckConfig(enabled=True, interval_minutes=15),
            git_check=CheckConfig(enabled=False),  # Deshabilitar git checks
            test_check=CheckConfig(enabled=True, interval_minutes=3),
            token_alerts=TokenConfig(threshold=100000)  # Aumentar threshold
        )
    ))
    assert daemon.settings_for("git_check").tokens.threshold == 100000
    assert daemon.settings_for("git_check").tokens.model == "gpt-4"
    assert daemon.scheduler.get_active_tasks() == ["doc_check", "test_check"]
    assert daemon.scheduler.tasks["test_check"].interval_seconds == 180

    # Development configuration
    dev_config = AutocodeConfig(
        daemon=DaemonConfig(
            doc_check=CheckConfig(interval_minutes=5),  # More frequent
            git_check=CheckConfig(interval_minutes=2)   # Very frequent
        )
    )
    # Production configuration
    prod_config = AutocodeConfig(
        daemon=DaemonConfig(
            doc_check=CheckConfig(interval_minutes=30),  # Less frequent
            git_check=CheckConfig(interval_minutes=15)   # Moderate frequency
        )
    )
    assert AutocodeDaemon(config=dev_config).scheduler.tasks["git_check"].interval_seconds == 120
    assert AutocodeDaemon(config=prod_config).scheduler.tasks["doc_check"].interval_seconds == 1800

    # Configure resource limits
    config = AutocodeConfig(
        daemon=DaemonConfig(
            max_concurrent_checks=2,
            check_timeout_seconds=300,
            max_memory_usage_mb=512
        )
    )
    limits = AutocodeDaemon(config=config).config.daemon
    assert (limits.max_concurrent_checks, limits.check_timeout_seconds, limits.max_memory_usage_mb) == (2, 300, 512)


def test_notification_example(project) -> None:
    from autocode_core import NotificationConfig

    # Configure notifications
    config = AutocodeConfig(
        notifications=NotificationConfig(
            enabled=True,
            error_threshold=3,  # Send notification after 3 consecutive errors
            channels=["email", "slack"],
            email_recipients=["team@example.com"],
            slack_webhook="https://hooks.slack.com/..."
        )
    )
    daemon = AutocodeDaemon(config=config, load_entry_points=False)
    assert daemon.config.notifications.channels == ["email", "slack"]
    assert "hooks.slack.com" not in str(daemon.get_health_metrics())
