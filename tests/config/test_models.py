"""The core's configuration models: defaults from the design document, validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from autocode_core import ApiConfig, AutocodeConfig, DaemonConfig, HistoryConfig, NotificationConfig


def test_defaults() -> None:
    config = AutocodeConfig()
    assert (config.api.host, config.api.port) == ("127.0.0.1", 8080)
    assert config.daemon.max_concurrent_checks == 2
    assert config.daemon.check_timeout_seconds == 300
    assert config.daemon.max_memory_usage_mb == 512
    assert config.notifications.error_threshold == 3 and not config.notifications.enabled
    assert config.history == HistoryConfig(enabled=True, max_runs_per_check=1000, max_age_days=90)


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: DaemonConfig(max_concurrent_checks=0), "max_concurrent_checks"),
        (lambda: DaemonConfig(check_timeout_seconds=0), "check_timeout_seconds"),
        (lambda: ApiConfig(port=70000), "port"),
        (lambda: HistoryConfig(max_runs_per_check=0), "max_runs_per_check"),
        (lambda: NotificationConfig(channels=["pager"]), "channels"),
        (lambda: NotificationConfig(smtp_security="tls"), "smtp_security"),
    ],
)
def test_invalid_values_are_rejected(factory, field) -> None:
    with pytest.raises(ValidationError, match=field):
        factory()


def test_extra_sections_are_kept_for_plugins_to_claim() -> None:
    config = AutocodeConfig(doc_index={"enabled": False}, daemon=DaemonConfig(git_check={"enabled": False}))
    assert config.doc_index == {"enabled": False}
    assert config.daemon.git_check == {"enabled": False}


def test_secrets_are_secret() -> None:
    notifications = NotificationConfig(channels=["webhook"], webhook_url="https://x/hook/token")
    assert "token" not in repr(notifications) and "token" not in str(notifications.model_dump())
