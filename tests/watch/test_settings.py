"""``daemon.watch`` and ``daemon.<check>.watch`` / ``on_busy``: defaults, bounds, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocode_core import CheckPlugin, CheckResult
from autocode_core.errors import ConfigError
from autocode_core.project import Project


class Watched(CheckPlugin):
    name = "watched_check"
    watch = ["*.py"]
    on_busy = "restart"

    def execute(self, context):
        return CheckResult(status="success", message="ok")


def _project(tmp_path: Path, config: dict) -> Project:
    return Project(tmp_path, config, plugins=[Watched], load_entry_points=False, environ={})


def test_plugin_defaults_and_user_overrides(tmp_path: Path) -> None:
    schedule = _project(tmp_path, {}).resolved.schedules["watched_check"]
    assert (schedule.watch, schedule.on_busy) == (["*.py"], "restart")
    schedule = _project(tmp_path, {"daemon": {"watched_check": {"watch": ["docs/"], "on_busy": "queue"}}}).resolved.schedules["watched_check"]
    assert (schedule.watch, schedule.on_busy) == (["docs/"], "queue")


def test_watch_defaults(tmp_path: Path) -> None:
    watch = _project(tmp_path, {}).config.daemon.watch
    assert (watch.enabled, watch.quiet_ms, watch.max_wait_ms, watch.force_polling) == (True, 200, 2000, False)


def test_the_maximum_wait_is_never_shorter_than_the_quiet_period(tmp_path: Path) -> None:
    watch = _project(tmp_path, {"daemon": {"watch": {"quiet_ms": 5000, "max_wait_ms": 100}}}).config.daemon.watch
    assert watch.batch_max_wait_ms == 5000


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"daemon": {"watch": {"quiet_ms": 5}}}, ["daemon.watch.quiet_ms", "greater than or equal to 10"]),
        ({"daemon": {"watched_check": {"on_busy": "later"}}}, ["daemon.watched_check.on_busy", "queue"]),
        ({"daemon": {"watched_check": {"watch": "*.py"}}}, ["daemon.watched_check.watch", "list"]),
    ],
)
def test_bad_values_are_clear_errors_naming_the_key(tmp_path: Path, config: dict, words: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        _project(tmp_path, config)
    for word in words:
        assert word in str(caught.value)


def test_the_first_party_plugins_declare_their_watch_patterns(tmp_path: Path) -> None:
    from autocode_docs.plugin import DocCheckPlugin
    from autocode_git.plugin import GitCheckPlugin
    from autocode_tests.plugin import TestCheckPlugin

    project = Project(tmp_path, {}, plugins=[GitCheckPlugin, DocCheckPlugin, TestCheckPlugin],
                      load_entry_points=False, environ={})
    watch = {name: schedule.watch for name, schedule in project.resolved.schedules.items()}
    assert watch["git_check"] == ["*"]
    assert "*.py" in watch["doc_check"] and "docs/" in watch["doc_check"]
    assert "*.py" in watch["test_check"] and "tests/" in watch["test_check"]


def test_the_quiet_period_changes_live_but_turning_watching_on_or_off_needs_a_restart(tmp_path: Path) -> None:
    from autocode_core.testing import AutocodeHarness

    harness = AutocodeHarness()
    harness.register(Watched)
    daemon = harness.daemon(tmp_path)
    daemon.update_config({"daemon": {"watch": {"quiet_ms": 100, "max_wait_ms": 500}}})
    assert (daemon.config.daemon.watch.quiet_ms, daemon.config.daemon.watch.max_wait_ms) == (100, 500)
    with pytest.raises(ConfigError, match="daemon.watch.enabled applies when the daemon starts"):
        daemon.update_config({"daemon": {"watch": {"enabled": False}}})
