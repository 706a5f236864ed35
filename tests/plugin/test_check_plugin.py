"""``CheckPlugin``: class attributes become the check's description."""

from __future__ import annotations

from pydantic import BaseModel

from autocode_core import CheckPlugin, CheckResult


class Settings(BaseModel):
    level: int = 1


class Documented(CheckPlugin):
    """First line becomes the description.

    Not this one."""

    name = "documented_check"
    interval_minutes = 2.5
    timeout_seconds = 30
    run_at_start = False
    settings_model = Settings
    config_aliases = {"legacy": ""}
    env_vars = {"MY_LEVEL": "level"}

    def execute(self, context):
        return CheckResult(status="success", message="ok")


def test_get_config_reflects_the_class_attributes() -> None:
    config = Documented().get_config()
    assert config is not None
    assert (config.name, config.interval_minutes, config.timeout_seconds, config.run_at_start) == (
        "documented_check", 2.5, 30, False)
    assert config.description == "First line becomes the description."
    assert config.settings_model is Settings
    assert (config.config_aliases, config.env_vars) == ({"legacy": ""}, {"MY_LEVEL": "level"})


def test_without_a_name_it_is_a_listener_and_defaults_are_inert() -> None:
    plugin = CheckPlugin(daemon="d")
    assert plugin.get_config() is None and plugin.daemon == "d"
    assert plugin.on_check_completed("x", CheckResult(status="success", message="m")) is None
