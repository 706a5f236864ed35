"""The daemon's read-only surface: results, history, statistics and the project's facts."""

from __future__ import annotations

import pytest

from autocode_core import CheckPlugin, CheckResult, CheckSettings, hookimpl
from autocode_core.store.history import HistoryStore
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio


class WordSettings(CheckSettings):
    word: str = "hello"


class Speaker(CheckPlugin[WordSettings]):
    name = "speak_check"
    settings_model = WordSettings

    def execute(self, context):
        return CheckResult(status="success", message=context.settings.word)


class Failing(CheckPlugin):
    name = "fail_check"
    enabled = False

    def execute(self, context):
        return CheckResult(status="error", message="❌ no")


class Broken:
    @hookimpl
    def get_config(self):
        raise RuntimeError("cannot describe myself")

    @hookimpl
    def execute(self):
        pass


def daemon_of(tmp_path, config=None):
    h = AutocodeHarness()
    for plugin in (Speaker, Failing, ("broken_check", Broken())):
        h.register(plugin[1], plugin[0]) if isinstance(plugin, tuple) else h.register(plugin)
    return h.daemon(tmp_path, config or {"daemon": {"run_at_start": False}})


async def test_results_are_a_read_only_view_including_load_failures(tmp_path) -> None:
    daemon = daemon_of(tmp_path)
    assert list(daemon.results) == ["broken_check"]
    assert daemon.results["broken_check"].details["failure"] == "load_error"
    with pytest.raises(TypeError):
        daemon.results["speak_check"] = CheckResult(status="success", message="forged")
    await daemon.run_check("speak_check")
    assert daemon.results["speak_check"].message == "hello"


async def test_history_appears_with_the_first_recorded_run(tmp_path) -> None:
    daemon = daemon_of(tmp_path)
    assert daemon.history is None and daemon.get_history() == []
    assert not (tmp_path / ".autocode").exists()  # reading created nothing
    await daemon.run_check("speak_check")
    await daemon.run_check("fail_check")
    await daemon.run_check("speak_check")
    assert isinstance(daemon.history, HistoryStore)
    assert daemon.history.path == tmp_path / ".autocode" / "history.db"
    newest = daemon.get_history(limit=2)
    assert [r.check_name for r in newest] == ["speak_check", "fail_check"]
    assert [r.status for r in daemon.get_history("fail_check")] == ["error"]
    assert daemon.total_checks_run == 3
    assert {n: s.metrics().execution_count for n, s in daemon.stats.checks.items()} == {
        "speak_check": 2,
        "fail_check": 1,
    }


async def test_without_history_nothing_is_kept_on_disk(tmp_path) -> None:
    daemon = daemon_of(tmp_path, {"history": {"enabled": False}})
    await daemon.run_check("speak_check")
    assert daemon.history is None and daemon.get_history() == [] and daemon.total_checks_run == 1
    assert daemon.results["speak_check"].message == "hello"
    assert not (tmp_path / ".autocode").exists()


async def test_project_facts_are_the_projects(tmp_path) -> None:
    daemon = daemon_of(tmp_path, {"checks": {"speak_check": {"word": "hi"}}})
    project = daemon.project
    assert daemon.plugins is project.plugins and daemon.config is project.config
    assert daemon.check_names == ["fail_check", "speak_check"]
    assert daemon.enabled_checks() == ["speak_check"]
    assert [p.name for p in daemon.failed_plugins] == ["broken_check"]
    settings = daemon.settings_for("speak_check")
    assert isinstance(settings, WordSettings) and settings.word == "hi"
    daemon.update_config({"checks": {"speak_check": {"word": "bye"}}})
    assert daemon.settings_for("speak_check").word == "bye" and daemon.config is project.config
    assert (await daemon.run_check("speak_check")).message == "bye"


async def test_status_is_the_light_snapshots(tmp_path) -> None:
    daemon = daemon_of(tmp_path)
    await daemon.run_check("speak_check")
    await daemon.run_check("fail_check")
    status = daemon.get_status()
    light = daemon.snapshot(history=False).status()
    assert status.checks == light.checks and set(status.checks) == {
        "broken_check",
        "speak_check",
        "fail_check",
    }
    assert (status.total_checks_run, status.success_rate) == (2, 0.5)
    assert status.is_running is False and status.project_root == str(tmp_path.resolve())
