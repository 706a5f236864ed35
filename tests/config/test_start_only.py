"""Settings that only apply when the daemon starts are refused by live updates."""

from __future__ import annotations

import pytest

from autocode_core import CheckPlugin, CheckResult, ConfigError
from autocode_core.config.start_only import START_ONLY, start_only_problems
from autocode_core.testing import AutocodeHarness


class Noop(CheckPlugin):
    name = "noop_check"

    def execute(self, context):
        return CheckResult(status="success", message="ok")


@pytest.mark.parametrize(
    ("update", "loc"),
    [
        ({"daemon": {"state_dir": "/tmp/elsewhere"}}, ("daemon", "state_dir")),
        ({"daemon": {"run_at_start": False}}, ("daemon", "run_at_start")),
        ({"daemon": {"noop_check": {"run_at_start": False}}}, ("daemon", "noop_check", "run_at_start")),
        ({"api": {"port": 9000}}, ("api",)),
        ({"history": {"max_runs_per_check": 5}}, ("history", "max_runs_per_check")),
        ({"history": {"max_age_days": 1}}, ("history", "max_age_days")),
        ({"disable_plugins": ["noop_check"]}, ("disable_plugins",)),
        ({"profiles": {"dev": {}}}, ("profiles",)),
    ],
)
def test_update_config_refuses_start_only_settings_and_changes_nothing(tmp_path, update, loc) -> None:
    harness = AutocodeHarness()
    harness.register(Noop)
    daemon = harness.daemon(tmp_path)
    before = daemon.config.model_dump(mode="json")
    with pytest.raises(ConfigError) as caught:
        daemon.update_config({**update, "daemon": {**update.get("daemon", {}), "jitter_seconds": 3}})
    (problem,) = caught.value.problems
    assert problem.loc == loc and problem.source == "update_config"
    assert "applies when the daemon starts" in problem.reason or "applies when the HTTP server starts" in problem.reason
    assert daemon.config.model_dump(mode="json") == before  # not even the valid part
    assert not (tmp_path / "elsewhere").exists()


def test_live_settings_pass(tmp_path) -> None:
    harness = AutocodeHarness()
    harness.register(Noop)
    daemon = harness.daemon(tmp_path)
    daemon.update_config({"daemon": {"jitter_seconds": 3, "noop_check": {"interval_minutes": 2}},
                          "history": {"enabled": False}})
    assert daemon.config.daemon.jitter_seconds == 3 and daemon.config.history.enabled is False


def test_one_table_knows_what_is_start_only() -> None:
    assert {"daemon.state_dir", "api", "disable_plugins", "profiles"} <= set(START_ONLY)
    problems = start_only_problems({"api": {"host": "0.0.0.0"}, "daemon": {"max_concurrent_checks": 3}})
    assert [(p.key, p.loc) for p in problems] == [("api", ("api",))]
    assert start_only_problems({"daemon": {"jitter_seconds": 1}, "checks": {"x": {"a": 1}}}) == []
    assert start_only_problems({"daemon": 5}) == []  # the shape is validation's business
