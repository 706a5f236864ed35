"""The ``autocode`` command, run as a real subprocess against real entry-point plugins."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIRST_PARTY = "doc_check,git_check,test_check"

GOOD = """
from autocode_core import CheckPlugin, CheckResult

class Good(CheckPlugin):
    name = "good_check"
    def execute(self, context):
        return CheckResult(status="success", message="✅ all good in " + context.project_root.name)

class Warn(CheckPlugin):
    name = "warn_check"
    def execute(self, context):
        return CheckResult(status="warning", message="⚠️ 2 things need attention", details={"n": 2})
"""


@pytest.fixture
def cli_env(tmp_path, make_dist, unique, project) -> dict[str, str]:
    good = unique("cli_good")
    broken = unique("cli_broken")
    site = make_dist("good-plugins", {good: GOOD}, {"good_check": f"{good}:Good", "warn_check": f"{good}:Warn"})
    make_dist("broken-plugin", {broken: "raise ImportError('missing dependency foo')"}, {"broken_check": broken}, "0.3")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    env["AUTOCODE_DISABLE_PLUGINS"] = FIRST_PARTY
    env.pop("NO_COLOR", None)
    return env


def run(env, *args, cwd=None, check=False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autocode_core.cli", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=check,
    )


def test_help_works_with_a_broken_plugin_installed(cli_env) -> None:
    done = run(cli_env, "--help")
    assert done.returncode == 0 and "check" in done.stdout and "daemon" in done.stdout


def test_check_all_reports_every_plugin_and_exits_3_for_a_load_failure(cli_env, project) -> None:
    done = run(cli_env, "check", cwd=project)
    lines = done.stdout.splitlines()
    assert done.returncode == 3, done.stderr
    assert any(line.startswith("✅ good_check: all good in project (") for line in lines)
    assert any(line.startswith("⚠️ warn_check: 2 things need attention") for line in lines)
    assert any(line.startswith("❌ broken_check: plugin broken_check (broken-plugin 0.3) failed to load: "
                               "ImportError: missing dependency foo") for line in lines)
    assert "Traceback" not in done.stderr


def test_exit_codes_for_success_warning_and_unknown(cli_env, project) -> None:
    assert run(cli_env, "check", "good_check", cwd=project).returncode == 0
    assert run(cli_env, "check", "warn_check", "good_check", cwd=project).returncode == 1
    unknown = run(cli_env, "check", "nope", cwd=project)
    assert unknown.returncode == 2
    assert "unknown check 'nope' (known: broken_check, good_check, warn_check)" in unknown.stderr


def test_json_output_is_versioned(cli_env, project) -> None:
    done = run(cli_env, "check", "good_check", "warn_check", "--format", "json", cwd=project)
    doc = json.loads(done.stdout)
    assert doc["schema_version"] == 1 and doc["exit_code"] == 1 == done.returncode
    assert [r["check_name"] for r in doc["results"]] == ["good_check", "warn_check"]
    assert doc["summary"] == {"success": 1, "warning": 1, "error": 0}
    assert doc["results"][1]["details"] == {"n": 2}


def test_invalid_configuration_exits_2_naming_file_and_key(cli_env, project) -> None:
    (project / "pyproject.toml").write_text("[tool.autocode.daemon]\ncheck_timeout_seconds = -1\n")
    done = run(cli_env, "check", cwd=project)
    assert done.returncode == 2
    assert "pyproject.toml [tool.autocode]: daemon.check_timeout_seconds: Input should be between 0.1 and 86400" in done.stderr
    assert "Traceback" not in done.stderr


def test_plugins_json_lists_distribution_version_check_hooks_and_errors(cli_env, project) -> None:
    doc = json.loads(run(cli_env, "plugins", "--json", cwd=project, check=True).stdout)
    by_name = {p["name"]: p for p in doc["plugins"]}
    assert by_name["good_check"] | {"target": None} == {
        "name": "good_check", "source": "entry_point", "distribution": "good-plugins", "version": "1.0",
        "target": None, "status": "loaded", "check": "good_check", "hooks": ["execute", "get_config"], "error": None,
    }
    assert by_name["broken_check"]["status"] == "failed"
    assert "missing dependency foo" in by_name["broken_check"]["error"]
    text = run(cli_env, "plugins", cwd=project, check=True).stdout
    assert "broken_check" in text and "failed" in text


def test_config_show_applies_flags_and_profiles(cli_env, project) -> None:
    (project / "autocode.toml").write_text("[profiles.ci.daemon]\nmax_concurrent_checks = 8\n")
    doc = json.loads(run(cli_env, "config", "show", "--json", "--profile", "ci", cwd=project, check=True).stdout)
    assert doc["daemon"]["max_concurrent_checks"] == 8
    assert doc["daemon"]["good_check"]["interval_minutes"] == 5.0
    text = run(cli_env, "config", "show", "--set", "api.port=9999", cwd=project, check=True).stdout
    assert "api.port = 9999" in text.splitlines()


def test_no_checks_installed_exits_0(cli_env, project) -> None:
    env = dict(cli_env, AUTOCODE_DISABLE_PLUGINS=FIRST_PARTY + ",good_check,warn_check,broken_check")
    done = run(env, "check", cwd=project)
    assert done.returncode == 0 and "no checks are installed" in done.stdout


def _in_terminal(env, cwd: Path, *args: str) -> str:
    """stdout and stderr of the CLI run on a pseudo-terminal."""
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "autocode_core.cli", *args], env=env, cwd=cwd,
                            stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(30)
    os.close(primary)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color(cli_env, project) -> None:
    assert "\033[32mgood_check" in _in_terminal(cli_env, project, "check", "good_check")
    plain = _in_terminal(dict(cli_env, NO_COLOR="1"), project, "check", "good_check")
    assert "good_check" in plain and not re.search("\033\\[[0-9;]*m", plain)  # no colour codes


def test_long_runs_show_progress_on_a_terminal(cli_env, project, make_dist, unique) -> None:
    mod = unique("slow_cli")
    site = make_dist("slow-dist", {mod: """
        import time
        from autocode_core import CheckPlugin, CheckResult
        class Slow(CheckPlugin):
            name = "slow_check"
            def execute(self, context):
                time.sleep(1.2)
                return CheckResult(status="success", message="done")
    """}, {"slow_check": f"{mod}:Slow"})
    env = dict(cli_env, PYTHONPATH=os.pathsep.join([str(site), cli_env["PYTHONPATH"]]))
    screen = _in_terminal(env, project, "check", "slow_check", "good_check")
    assert "⏳ 1/2 done, running slow_check" in screen
    assert "slow_check\033[0m: done" in screen


def _wait_for(proc: subprocess.Popen, text: str, timeout: float = 20) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} not seen in {seen}")


def test_daemon_runs_refuses_a_second_and_stops_on_sigterm(cli_env, project) -> None:
    first = subprocess.Popen(
        [sys.executable, "-m", "autocode_core.cli", "daemon", "--log-format", "json"],
        env=cli_env, cwd=project, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    try:
        lines = _wait_for(first, '"daemon_started"')
        lines += _wait_for(first, '"check_completed"')
        events = [json.loads(line) for line in lines if line.startswith("{")]
        assert any(e["event"] == "plugin_failed_to_load" and e["plugin"] == "broken_check" for e in events)
        second = run(cli_env, "daemon", cwd=project)
        assert second.returncode == 1 and "already running" in second.stderr
        first.send_signal(signal.SIGTERM)
        _wait_for(first, '"daemon_stopped"')
        assert first.wait(20) == 0
    finally:
        if first.poll() is None:
            first.kill()
        first.stderr.close()
    assert (project / ".autocode" / ".gitignore").exists()


def test_a_plugin_whose_name_holds_a_slash_is_a_clear_addressable_failure(make_dist, unique, project) -> None:
    module = unique("slashy")
    site = make_dist("slashy-plugin", {module: GOOD}, {"bad/name": f"{module}:Good"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    env["AUTOCODE_DISABLE_PLUGINS"] = FIRST_PARTY
    listed = json.loads(run(env, "plugins", "--json", cwd=project).stdout)["plugins"]
    (bad,) = [p for p in listed if p["distribution"] == "slashy-plugin"]
    assert bad["name"] == "bad_name" and bad["status"] == "failed"
    assert "invalid plugin name 'bad/name'" in bad["error"]
    done = run(env, "check", "bad_name", cwd=project)
    assert done.returncode == 3 and "invalid plugin name" in done.stdout


def test_every_option_of_every_command_has_help() -> None:
    import argparse

    from autocode_core.cli.main import build_parser

    def parsers(parser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from parsers(sub)

    missing = [
        f"{parser.prog} {'/'.join(action.option_strings)}"
        for parser in parsers(build_parser())
        for action in parser._actions
        if action.option_strings and not action.help
    ]
    assert missing == []
