"""``TestConfig``: defaults, validation, and how the core reads it (aliases, env vars)."""

from __future__ import annotations

from pathlib import Path

import pytest
from autocode_tests import LayoutConfig, TestConfig
from autocode_tests.plugin import TestCheckPlugin
from pydantic import ValidationError

from autocode_core import AutocodeDaemon, ConfigError


def test_defaults_follow_the_seed_layout() -> None:
    settings = TestConfig()
    assert settings.enabled is True
    assert settings.auto_execute is True
    assert settings.python is None
    assert settings.layout.unit_test == "tests/{dir}/test_{name}.py"
    assert settings.layout.integration_test == "tests/{dir}/test_{folder}_integration.py"
    assert settings.layout.source_roots is None
    assert "conftest.py" in settings.layout.exempt


@pytest.mark.parametrize(
    ("layout", "problem"),
    [
        ({"unit_test": "tests/{dir}/test_module.py"}, "must use {name}"),
        ({"unit_test": "tests/{dir}/test_{name}.txt"}, "must end with '.py'"),
        ({"integration_test": "tests/test_integration.py"}, "must use {dir} or {folder}"),
        ({"integration_test": "tests/{dir}/test_{name}_it.py"}, "{name} has no meaning"),
        ({"source_roots": ["../elsewhere"]}, "inside the project"),
        ({"source_roots": []}, "at least one folder"),
    ],
)
def test_invalid_layouts_are_refused(layout: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError) as info:
        TestConfig.model_validate({"layout": layout})
    assert problem in str(info.value)


def test_source_roots_are_normalised() -> None:
    assert LayoutConfig(source_roots=["src/", "./", "lib"]).source_roots == ["src", ".", "lib"]


def test_integration_tests_can_be_turned_off() -> None:
    assert LayoutConfig(integration_test=None).integration_test is None
    assert LayoutConfig(integration_test="").integration_test is None


def _daemon(root: Path, environ: dict[str, str]) -> AutocodeDaemon:
    return AutocodeDaemon(root, plugins=[TestCheckPlugin], load_entry_points=False, environ=environ)


def test_seed_tests_section_and_env_vars_reach_the_settings(tmp_path: Path) -> None:
    (tmp_path / "autocode.toml").write_text(
        '[tests]\nauto_execute = false\npython = "py/bin/python"\n'
        '[tests.layout]\nunit_test = "tests/test_{name}.py"\n'
    )
    settings = _daemon(tmp_path, {}).config.checks["test_check"]
    assert isinstance(settings, TestConfig)
    assert settings.auto_execute is False
    assert settings.python == "py/bin/python"
    assert settings.layout.unit_test == "tests/test_{name}.py"

    settings = _daemon(tmp_path, {"AUTOCODE_TESTS_AUTO_EXECUTE": "true"}).config.checks[
        "test_check"
    ]
    assert settings.auto_execute is True


def test_enabled_false_disables_the_check(tmp_path: Path) -> None:
    assert _daemon(tmp_path, {}).enabled_checks() == ["test_check"]
    assert _daemon(tmp_path, {"AUTOCODE_TESTS_ENABLED": "false"}).enabled_checks() == []


def test_a_bad_template_in_a_file_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "autocode.toml").write_text('[tests.layout]\nunit_test = "tests/{oops}.py"\n')
    with pytest.raises(ConfigError, match=r"tests\.layout\.unit_test.*unknown placeholder"):
        _daemon(tmp_path, {})


def test_an_unknown_key_is_a_warning_naming_file_and_key_not_an_error(tmp_path: Path) -> None:
    """Formerly fatal (``layout.flat`` was "Extra inputs are not permitted"); now treated
    as under every check: a warning naming the file and the key, every problem at once."""
    import structlog

    (tmp_path / "autocode.toml").write_text(
        "[checks.test_check]\nbogus = 1\n[tests.layout]\nflat = true\n"
    )

    with structlog.testing.capture_logs() as logs:
        settings = _daemon(tmp_path, {}).config.checks["test_check"]

    source = str(tmp_path / "autocode.toml")
    problems = sorted(e["problem"] for e in logs if e["event"] == "config_warning")
    assert problems == [
        f"{source}: checks.test_check.bogus: unknown key, ignored",
        f"{source}: tests.layout.flat: unknown key, ignored",
    ]
    assert settings == TestConfig()
    assert TestConfig.model_validate({"layout": {"flat": True}}) == TestConfig()


@pytest.mark.parametrize("value", [0, 10_001])
def test_max_entries_has_bounds(value: int) -> None:
    with pytest.raises(ValidationError):
        TestConfig(max_entries=value)
