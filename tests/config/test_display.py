"""Showing a configuration: secrets masked, profiles left out, dotted lines."""

from __future__ import annotations

from autocode_core import AutocodeConfig
from autocode_core.config.display import config_data, format_config


def test_config_rendering() -> None:
    config = AutocodeConfig(api={"token": "t0ps3cret"}, profiles={"dev": {}})
    data = config_data(config)
    assert data["api"]["token"] == "**********" and "profiles" not in data
    assert "api.port = 8080" in format_config(config).splitlines()
