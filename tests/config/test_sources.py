"""Finding and reading configuration: files, profiles, environment, flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocode_core import CheckConfig, ConfigError
from autocode_core.config.sources import (
    cli_layer,
    env_layer,
    find_project,
    load_sources,
    parse_value,
)


def test_autocode_toml_is_found_walking_up(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text("[daemon]\nmax_concurrent_checks = 3\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    root, path = find_project(deep)
    assert (root, path) == (tmp_path.resolve(), (tmp_path / "autocode.toml").resolve())


def test_pyproject_without_autocode_table_is_skipped_but_still_marks_the_root(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.autocode.daemon]\njitter_seconds = 1\n")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_project(inner) == (tmp_path.resolve(), (tmp_path / "pyproject.toml").resolve())
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'top'\n")
    assert find_project(inner) == (inner.resolve(), None)


def test_no_config_and_no_markers_uses_the_start_folder(tmp_path) -> None:
    assert find_project(tmp_path) == (tmp_path.resolve(), None)


def test_profile_layer_and_unknown_profile(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text(
        "[daemon]\nmax_concurrent_checks = 2\n[profiles.dev.daemon]\nmax_concurrent_checks = 6\n"
    )
    sources = load_sources(tmp_path, profile="dev", environ={})
    assert [layer.source.split("/")[-1] for layer in sources.layers] == ["autocode.toml", "autocode.toml"]
    assert sources.layers[1].source.startswith("profile 'dev' in ")
    assert sources.layers[1].data == {"daemon": {"max_concurrent_checks": 6}}
    assert load_sources(tmp_path, environ={"AUTOCODE_PROFILE": "dev"}).profile == "dev"
    with pytest.raises(ConfigError, match=r"profiles.prod: no such profile \(known: dev\)"):
        load_sources(tmp_path, profile="prod", environ={})


def test_invalid_toml_names_the_file_and_position(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text("[daemon\n")
    with pytest.raises(ConfigError, match=r"autocode.toml: invalid TOML: .*line 1"):
        load_sources(tmp_path, environ={})


def test_tool_autocode_must_be_a_table(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool]\nautocode = 3\n")
    with pytest.raises(ConfigError, match="tool.autocode: must be a table"):
        load_sources(tmp_path, environ={})


def test_env_layer_generic_scheme_seed_interval_and_plugin_variables() -> None:
    checks = {"git_check": CheckConfig(name="git_check", env_vars={"AUTOCODE_TOKEN_THRESHOLD": "tokens.threshold"})}
    layer = env_layer(
        {
            "AUTOCODE__DAEMON__MAX_CONCURRENT_CHECKS": "4",
            "AUTOCODE__CHECKS__GIT_CHECK__OUTPUT_PATH": "changes.json",
            "AUTOCODE_GIT_CHECK_INTERVAL": "2.5",
            "AUTOCODE_TOKEN_THRESHOLD": "1000",
            "AUTOCODE_API_TOKEN": "s3cret",
            "UNRELATED": "x",
        },
        checks,
    )
    assert layer.data == {
        "daemon": {"max_concurrent_checks": 4, "git_check": {"interval_minutes": 2.5}},
        "checks": {"git_check": {"output_path": "changes.json", "tokens": {"threshold": 1000}}},
        "api": {"token": "s3cret"},
    }
    assert layer.written["checks.git_check.tokens.threshold"] == "$AUTOCODE_TOKEN_THRESHOLD"


def test_cli_layer_and_values() -> None:
    layer = cli_layer(["daemon.jitter_seconds=1.5", "disable_plugins=[\"a\"]", "api.host=0.0.0.0"])
    assert layer.data == {"daemon": {"jitter_seconds": 1.5}, "disable_plugins": ["a"], "api": {"host": "0.0.0.0"}}
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        cli_layer(["novalue"])
    assert parse_value("true") is True and parse_value("gpt-4") == "gpt-4" and parse_value("07") == "07"


def test_explicit_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "conf" / "autocode.toml"
    cfg.parent.mkdir()
    cfg.write_text("[api]\nport = 9000\n")
    sources = load_sources(config_file=cfg, environ={})
    assert sources.project_root == cfg.parent.resolve() and sources.layers[0].data == {"api": {"port": 9000}}
