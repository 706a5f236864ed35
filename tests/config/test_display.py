"""Showing a configuration: secrets masked, profiles left out, dotted lines."""

from __future__ import annotations

from pydantic import SecretStr

from autocode_core import AutocodeConfig, CheckPlugin, CheckResult, CheckSettings
from autocode_core.config.display import config_data, format_config
from autocode_core.project import Project


def test_config_rendering() -> None:
    config = AutocodeConfig(api={"token": "t0ps3cret"}, profiles={"dev": {}})
    data = config_data(config)
    assert data["api"]["token"] == "**********" and "profiles" not in data
    assert "api.port = 8080" in format_config(config).splitlines()


def test_every_secret_is_masked_wherever_it_sits(tmp_path) -> None:
    class VaultSettings(CheckSettings):
        token: SecretStr = SecretStr("plugin-s3cret")
        unset: SecretStr = SecretStr("")
        paths: list[str] = ["a", "b"]

    class Vault(CheckPlugin[VaultSettings]):
        name = "vault_check"
        settings_model = VaultSettings

        def execute(self, context):
            return CheckResult(status="success", message="ok")

    config = {"api": {"token": "api-s3cret"},
              "notifications": {"webhook_url": "https://hooks.example/hook-s3cret"}}
    project = Project(tmp_path, config, plugins=[Vault], load_entry_points=False, environ={})
    data = config_data(project.config)
    text = format_config(project.config)
    for secret in ("plugin-s3cret", "api-s3cret", "hook-s3cret"):
        assert secret not in str(data) and secret not in text
    vault = data["checks"]["vault_check"]
    assert vault == {"token": "**********", "unset": "", "paths": ["a", "b"]}
    assert data["notifications"]["webhook_url"] == "**********"
    assert data["notifications"]["slack_webhook"] is None  # not set: nothing to hide
    lines = text.splitlines()
    assert 'checks.vault_check.paths = ["a", "b"]' in lines
    assert "daemon.vault_check.interval_minutes = 5.0" in lines
    assert "disable_plugins = []" in lines
    assert not any(line.startswith("profiles") for line in lines)


def test_a_password_in_a_url_setting_is_masked() -> None:
    config = AutocodeConfig(celery={
        "broker_url": "redis://:s3cret@broker.internal:6379/0",
        "result_backend": "redis://autocode:p%40ss@[::1]:6380/1",
        "queue": "autocode",
    })
    data = config_data(config)
    text = format_config(config)
    assert data["celery"]["broker_url"] == "redis://:***@broker.internal:6379/0"
    assert data["celery"]["result_backend"] == "redis://autocode:***@[::1]:6380/1"
    assert data["celery"]["queue"] == "autocode"
    for secret in ("s3cret", "p%40ss"):
        assert secret not in str(data) and secret not in text
    plain = AutocodeConfig(celery={"broker_url": "redis://broker.internal:6379/0"})
    assert config_data(plain)["celery"]["broker_url"] == "redis://broker.internal:6379/0"  # nothing to hide
