"""Turning PATCH bodies and ConfigError lines into 422 problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autocode_core import ConfigError
from autocode_core.errors import ConfigProblem
from autocode_core.server.config_patch import parse_update, problems_from_error
from autocode_core.testing import AutocodeHarness


def test_config_error_lines_become_locations_and_reasons() -> None:
    error = ConfigError(
        [
            ConfigProblem(
                "update_config",
                "daemon.git_check.interval_minutes",
                "Input should be greater than 0 (got -1)",
            ),
            ConfigProblem("environment", "$AUTOCODE_X", "not a number"),
            "something odd",
        ]
    )
    first, second, third = problems_from_error(error)
    assert first["loc"] == ["body", "daemon", "git_check", "interval_minutes"]
    assert first["msg"] == "Input should be greater than 0 (got -1)"
    assert first["source"] == "update_config"
    assert second["loc"] == ["body"] and second["msg"] == "not a number"
    assert third["loc"] == ["body"] and third["msg"] == "something odd"


def test_a_valid_update_passes_through(tmp_path: Path, test_plugins: Any) -> None:
    harness = AutocodeHarness()
    harness.register(test_plugins.default[0])
    daemon = harness.daemon(tmp_path, {})
    body = b'{"daemon": {"quick_check": {"interval_minutes": 2.5}, "jitter_seconds": 1}}'
    update, problems = parse_update(body, daemon)
    assert problems == []
    assert update == {"daemon": {"quick_check": {"interval_minutes": 2.5}, "jitter_seconds": 1}}


def test_non_finite_numbers_are_refused(tmp_path: Path) -> None:
    daemon = AutocodeHarness().daemon(tmp_path, {})
    for body in (
        b'{"daemon": {"jitter_seconds": 1e400}}',
        b'{"daemon": {"jitter_seconds": Infinity}}',
    ):
        update, problems = parse_update(body, daemon)
        assert update is None and problems[0]["type"] == "json_invalid"
