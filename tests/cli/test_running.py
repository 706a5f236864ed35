"""``autocode check`` and ``autocode daemon``: the commands that run checks, as real processes."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys

from autocode_core.store.state_dir import DaemonLock

from .conftest import autocode


def test_check_runs_the_enabled_checks_and_reports_load_failures(cli) -> None:
    done = cli.run("check")
    assert done.returncode == 3, done.stderr  # a plugin failed to load
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "✅ marked_check", "❌ broken_check", "⏸️ meet_a", "⏸️ meet_b"
    ]
    assert lines[2] == "⏸️ meet_a: disabled (daemon.meet_a.enabled = false; `autocode check meet_a` runs it)"
    assert cli.marks() == ["marked_check"]  # meet_a and meet_b are off by default


def test_named_checks_run_at_once_and_answer_in_the_order_asked(cli) -> None:
    done = cli.run("check", "meet_b", "meet_a", "--format", "json")
    doc = json.loads(done.stdout)
    assert [(r["check_name"], r["message"]) for r in doc["results"]] == [
        ("meet_b", "met meet_a"),
        ("meet_a", "met meet_b"),
    ]  # each waited for the other: concurrent
    assert done.returncode == doc["exit_code"] == 0


def test_check_records_runs_and_keeps_the_error_streak_across_runs(cli) -> None:
    for _ in range(2):
        assert (
            cli.run("check", "marked_check", env={"AUTOCODE_TEST_STATUS": "error"}).returncode == 1
        )
    runs = json.loads(cli.run("history", "--json").stdout)["runs"]
    assert [(r["check_name"], r["status"], r["trigger"]) for r in runs] == [
        ("marked_check", "error", "cli")
    ] * 2
    status = json.loads(cli.run("status", "--json").stdout)
    assert status["checks"]["marked_check"]["consecutive_errors"] == 2


def test_daemon_runs_scheduled_checks_and_stops_on_sigint(cli) -> None:
    with cli.daemon("--set", "daemon.run_at_start=true") as daemon:
        daemon.wait_for('"check_completed"')
        assert DaemonLock(cli.state_dir).is_held()
        daemon.proc.send_signal(signal.SIGINT)
        assert daemon.proc.wait(30) == 0
    assert any('"signal_received"' in line and "SIGINT" in line for line in daemon.lines)
    assert not DaemonLock(cli.state_dir).is_held()  # released on the way out
    runs = json.loads(cli.run("history", "--json").stdout)["runs"]
    assert [(r["check_name"], r["trigger"]) for r in runs] == [("marked_check", "schedule")]
    assert cli.marks() == ["marked_check"]


def test_a_server_that_cannot_start_stops_the_daemon_before_any_run(cli) -> None:
    done = cli.run(
        "daemon", "--host", "0.0.0.0", "--port", "0", "--set", "daemon.run_at_start=true"
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert cli.marks() == [] and not DaemonLock(cli.state_dir).is_held()


def test_a_port_in_use_is_refused_before_anything_is_written(cli) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = cli.run("daemon", "--port", str(port), "--set", "daemon.run_at_start=true")
    assert done.returncode == 2, done.stderr
    assert f"api.port: cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
    assert "TaskGroup" not in done.stderr and "Traceback" not in done.stderr
    assert "daemon_stopped" not in done.stderr + done.stdout  # it never started
    assert cli.marks() == [] and not cli.state_dir.exists()  # no lock, no state folder


def test_a_server_that_cannot_start_says_why(cli) -> None:
    done = cli.run("daemon", "--host", "0.0.0.0", "--port", "0")
    assert "api.host: '0.0.0.0' is reachable from other machines" in done.stderr


# -- findings and formats -----------------------------------------------------------

def test_verbose_prints_findings_cut_with_a_count(findings_env, project) -> None:
    done = autocode(findings_env, "check", "-v", cwd=project)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("❌ failing_check: 15 tests failing"))
    assert lines[start + 1] == "    15 failing tests in 1 file, 1 missing test"
    assert lines[start + 2] == "    ✗ tests/test_a.py::test_1: assert 1 == 0"
    assert lines[start + 12] == "    … and 6 more (5 failing tests in 1 file, 1 missing test)"
    assert any(line.startswith("✅ quiet_check: fine") for line in lines)
    every = autocode(findings_env, "check", "failing_check", "-vv", cwd=project).stdout.splitlines()
    assert len(every) == 1 + 1 + 16 and every[-1] == "    ! pkg/b.py has no test"
    few = autocode(findings_env, "check", "failing_check", "-v", "--max-items", "2", cwd=project)
    assert few.stdout.splitlines()[-1] == "    … and 14 more (13 failing tests in 1 file, 1 missing test)"
    plain = autocode(findings_env, "check", "failing_check", cwd=project).stdout
    assert len(plain.splitlines()) == 1


def test_json_alias_and_findings_in_json(findings_env, project) -> None:
    done = autocode(findings_env, "check", "failing_check", "--json", cwd=project)
    doc = json.loads(done.stdout)
    assert done.returncode == 1 and doc["exit_code"] == 1
    assert len(doc["results"][0]["findings"]) == 16


def test_github_and_junit(findings_env, project) -> None:
    github = autocode(findings_env, "check", "failing_check", "--format", "github", cwd=project)
    assert github.returncode == 1
    assert "::error file=tests/test_a.py,line=1,title=failing_check%3A failing test::" in github.stdout
    junit = autocode(findings_env, "check", "--format", "junit", cwd=project)
    assert junit.returncode == 1 and junit.stdout.count("<failure ") == 16


def test_a_closed_pipe_keeps_the_exit_code_and_prints_no_traceback(findings_env, project) -> None:
    for fmt, reader in [("json", "head -c 10 >/dev/null"), ("text", "true"), ("junit", "true")]:
        shell = (f"{sys.executable} -m autocode_core.cli check failing_check --format {fmt} -vv "
                 f"| {reader}; echo \"exit=${{PIPESTATUS[0]}}\"")
        done = subprocess.run(["bash", "-c", shell], env=findings_env, cwd=project,
                              capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == "exit=1", (fmt, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_the_pre_commit_hooks_run_autocode_check(findings_env, project) -> None:
    from pathlib import Path

    manifest = (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text()
    hooks = [line.split(":", 1)[1].strip() for line in manifest.splitlines() if line.startswith("- id:")]
    assert hooks == ["autocode", "autocode-system"]
    assert manifest.count("entry: autocode check\n") == 2 and manifest.count("pass_filenames: false") == 2
    done = autocode(findings_env, "check", "-v", "quiet_check", cwd=project)  # what the hook runs
    assert done.returncode == 0 and done.stdout.startswith("✅ quiet_check: fine")


def test_check_says_once_per_run_which_outputs_git_does_not_ignore(tmp_path) -> None:
    from autocode_core.testing import make_git_repo

    repo = make_git_repo(tmp_path / "project")
    repo.write("app.py", "x = 1\n")
    repo.commit("start")
    repo.write("app.py", "x = 2\n")

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "autocode_core.cli", "check", "git_check"],
            cwd=repo.path, capture_output=True, text=True, timeout=60,
        )

    first = check()
    assert first.returncode == 1, first.stderr  # a change: a warning-level summary
    assert "autocode wrote git_changes.json, which git does not ignore; add it to .gitignore" in first.stderr
    repo.write(".gitignore", "git_changes.json\n")
    second = check()
    assert "does not ignore" not in second.stderr
