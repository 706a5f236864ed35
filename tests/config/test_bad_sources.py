"""Configuration that cannot be used, from any source, is a clear error and exit 2.

Each case is a real git repository, real files and a real ``autocode`` process:
never a traceback, never silently ignored (defaults used), never quietly
converted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from autocode_core import AutocodeDaemon, ConfigError

Setup = Callable[[Path], None]


def _write(name: str, data: bytes) -> Setup:
    return lambda root: (root / name).write_bytes(data)


def _mkdir(name: str) -> Setup:
    return lambda root: (root / name).mkdir()


def _loop(name: str) -> Setup:
    def make(root: Path) -> None:
        (root / name).symlink_to("other.toml")
        (root / "other.toml").symlink_to(name)

    return make


def _dangling(name: str) -> Setup:
    return lambda root: (root / name).symlink_to("gone/away.toml")


SOURCES: list[tuple[str, Setup, str]] = [
    ("utf8", _write("autocode.toml", b"[daemon]\nmax_concurrent_checks = 3  # caf\xe9\n"),
     "autocode.toml: not UTF-8 text: byte 0xe9 on line 2"),
    ("utf8-pyproject", _write("pyproject.toml", b"[tool.autocode]\n# \xff\n"),
     "pyproject.toml: not UTF-8 text: byte 0xff on line 2"),
    ("folder", _mkdir("autocode.toml"), "autocode.toml: is a folder, not a configuration file"),
    ("folder-pyproject", _mkdir("pyproject.toml"), "pyproject.toml: is a folder, not a configuration file"),
    ("loop", _loop("autocode.toml"), "autocode.toml: is a symbolic link loop"),
    ("dangling", _dangling("autocode.toml"),
     "autocode.toml: is a symbolic link to gone/away.toml, which does not exist"),
    ("dangling-pyproject", _dangling("pyproject.toml"),
     "pyproject.toml: is a symbolic link to gone/away.toml, which does not exist"),
    ("tool-not-a-table", _write("pyproject.toml", b"tool = 5\n"), "pyproject.toml: tool: must be a table, not int"),
    ("pyproject-tables-in-autocode-toml",
     _write("autocode.toml", b"[tool.autocode.daemon]\nrun_at_start = false\n"),
     ("autocode.toml: tool.autocode: [tool.autocode...] tables belong in pyproject.toml; in this "
     "file write the same settings without the `tool.autocode.` prefix")),
    ("daemon-not-a-table", _write("autocode.toml", b"daemon = 5\n"),
     "autocode.toml: daemon: must be a table (got 5)"),
    ("history-not-a-table", _write("autocode.toml", b"history = [1]\n"), "autocode.toml: history: "),
    ("profiles-not-a-table", _write("autocode.toml", b"profiles = 5\n"),
     "autocode.toml: profiles: must be a table of profiles (got 5)"),
    ("profile-not-a-table", _write("autocode.toml", b"[profiles]\ndev = 5\n"),
     "autocode.toml: profiles.dev: must be a table (got 5)"),
    ("huge-interval", _write("autocode.toml", b"[daemon.tick_check]\ninterval_minutes = 1e308\n"),
     "autocode.toml: daemon.tick_check.interval_minutes: Input should be between 0.0166667 and 525600"),
    ("tiny-interval", _write("autocode.toml", b"[daemon.tick_check]\ninterval_minutes = 1e-300\n"),
     "autocode.toml: daemon.tick_check.interval_minutes: Input should be between 0.0166667 and 525600"),
    ("huge-age", _write("autocode.toml", b"[history]\nmax_age_days = 1e308\n"),
     "autocode.toml: history.max_age_days: Input should be between"),
    ("huge-memory", _write("autocode.toml", b"[daemon]\nmax_memory_usage_mb = 1e14\n"),
     "autocode.toml: daemon.max_memory_usage_mb: Input should be between"),
    ("huge-jitter", _write("autocode.toml", b"[daemon]\njitter_seconds = 1e300\n"),
     "autocode.toml: daemon.jitter_seconds: Input should be between 0 and 3600"),
    ("nan", _write("autocode.toml", b"[daemon]\ncheck_timeout_seconds = nan\n"),
     "autocode.toml: daemon.check_timeout_seconds: Input should be a finite number"),
    ("yes-is-not-a-boolean", _write("autocode.toml", b'[daemon.tick_check]\nenabled = "yes"\n'),
     "autocode.toml: daemon.tick_check.enabled: Input should be a valid boolean (got 'yes')"),
    ("string-is-not-a-number", _write("autocode.toml", b'[daemon.tick_check]\ninterval_minutes = "5"\n'),
     "autocode.toml: daemon.tick_check.interval_minutes: Input should be a valid number (got '5')"),
    ("string-in-pyproject", _write("pyproject.toml", b'[tool.autocode.history]\nenabled = "false"\n'),
     "pyproject.toml [tool.autocode]: history.enabled: Input should be a valid boolean (got 'false')"),
    ("string-in-profile", _write("autocode.toml", b'[profiles.dev.daemon]\nrun_at_start = "no"\n'),
     "profile 'dev' in autocode.toml: daemon.run_at_start: Input should be a valid boolean (got 'no')"),
]


@pytest.mark.parametrize(("setup", "expected"), [s[1:] for s in SOURCES], ids=[s[0] for s in SOURCES])
def test_a_file_that_cannot_be_used_is_a_clear_error(autocode_cli, setup, expected) -> None:
    setup(autocode_cli.root)
    args = ["--profile", "dev"] if "profile" in expected else []
    done = autocode_cli("check", *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_every_command_reports_it(autocode_cli) -> None:
    (autocode_cli.root / "autocode.toml").mkdir()
    for command in (["config", "show"], ["plugins"], ["status"], ["history"], ["daemon", "--port", "0"]):
        done = autocode_cli(*command, timeout=30)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "autocode.toml: is a folder, not a configuration file" in done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("env", "flags", "expected"),
    [
        ({"AUTOCODE__DAEMON__TICK_CHECK__INTERVAL_MINUTES": "1e308"}, [],
         "environment: $AUTOCODE__DAEMON__TICK_CHECK__INTERVAL_MINUTES: Input should be between"),
        ({"AUTOCODE_TICK_CHECK_INTERVAL": "0.000001"}, [],
         "environment: $AUTOCODE_TICK_CHECK_INTERVAL: Input should be between"),
        ({"AUTOCODE__DAEMON": "5"}, [], "environment: $AUTOCODE__DAEMON: must be a table (got 5)"),
        ({}, ["--set", "history.max_runs_per_check=0"],
         "command line: --set history.max_runs_per_check: Input should be between 1 and 1000000"),
        ({}, ["--set", "daemon.listener_timeout_seconds=1e400"], "--set daemon.listener_timeout_seconds"),
        ({}, ["--set", "notifications.timeout_seconds=86400"], "--set notifications.timeout_seconds"),
    ],
)
def test_environment_and_flags_have_the_same_bounds(autocode_cli, env, flags, expected) -> None:
    autocode_cli.env.update(env)
    done = autocode_cli("check", *flags)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr


def test_environment_and_flags_keep_their_documented_parsing(autocode_cli) -> None:
    autocode_cli.env.update({"AUTOCODE_TICK_CHECK_INTERVAL": "2", "AUTOCODE__HISTORY__ENABLED": "false"})
    done = autocode_cli("config", "show", "--set", "daemon.run_at_start=false", "--set", "api.port=9000")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert {"daemon.tick_check.interval_minutes = 2.0", "history.enabled = false",
            "daemon.run_at_start = false", "api.port = 9000"} <= set(lines)


def test_an_embedding_application_gets_the_same_bounds_and_no_coercion(tmp_path) -> None:
    for config, key in [
        ({"daemon": {"jitter_seconds": 1e300}}, "daemon.jitter_seconds"),
        ({"history": {"enabled": "yes"}}, "history.enabled"),
        ({"daemon": {"max_concurrent_checks": "4"}}, "daemon.max_concurrent_checks"),
    ]:
        with pytest.raises(ConfigError) as caught:
            AutocodeDaemon(tmp_path, config=config, load_entry_points=False)
        assert [p.key for p in caught.value.problems] == [key]


def test_config_is_still_found_past_ordinary_files(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text("[daemon]\nmax_concurrent_checks = 3\n")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    daemon = AutocodeDaemon(inner, load_entry_points=False, environ={})
    assert daemon.config.daemon.max_concurrent_checks == 3
    assert not os.path.lexists(inner / "autocode.toml")
