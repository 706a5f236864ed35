"""A daemon's configuration layers and live updates."""

from __future__ import annotations

import pytest

from autocode_core import CheckConfig, ConfigError
from autocode_core.config.state import ConfigState

CHECKS = {"c": CheckConfig(name="c", interval_minutes=5)}


def test_python_config_ignores_files_and_environment(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text("[daemon]\nmax_concurrent_checks = 9\n")
    state = ConfigState.gather(tmp_path, {"daemon": {"jitter_seconds": 2}}, profile=None, overrides=[],
                               environ={"AUTOCODE__DAEMON__JITTER_SECONDS": "7"})
    resolved = state.resolve(CHECKS)
    assert resolved.config.daemon.max_concurrent_checks == 2 and resolved.config.daemon.jitter_seconds == 2


def test_files_environment_and_updates(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text("disable_plugins = ['x']\n[daemon]\nmax_concurrent_checks = 9\n")
    state = ConfigState.gather(tmp_path, None, profile=None, overrides=["daemon.jitter_seconds=1"],
                               environ={"AUTOCODE_C_INTERVAL": "3"})
    assert state.raw()["disable_plugins"] == ["x"]
    assert state.resolve(CHECKS).schedules["c"].interval_minutes == 3
    preview, layer = state.preview({"daemon": {"c": {"enabled": False}}}, CHECKS)
    assert state.resolved.schedules["c"].enabled  # a preview changes nothing
    state.accept(preview, layer)
    second, layer = state.preview({"daemon": {"max_concurrent_checks": 4}}, CHECKS)
    assert not second.schedules["c"].enabled  # earlier updates stay
    assert second.config.daemon.max_concurrent_checks == 4 and second.config.daemon.jitter_seconds == 1
    with pytest.raises(ConfigError, match="update_config: daemon.max_concurrent_checks"):
        state.preview({"daemon": {"max_concurrent_checks": -1}}, CHECKS)
