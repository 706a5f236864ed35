"""``autocode check`` and ``autocode daemon``: the commands that run checks, as real processes."""

from __future__ import annotations

import json
import signal

from autocode_core.store.state_dir import DaemonLock


def test_check_runs_the_enabled_checks_and_reports_load_failures(cli) -> None:
    done = cli.run("check")
    assert done.returncode == 3, done.stderr  # a plugin failed to load
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["✅ marked_check", "❌ broken_check"]
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


def test_a_server_that_cannot_start_says_why(cli) -> None:
    done = cli.run("daemon", "--host", "0.0.0.0", "--port", "0")
    assert "api.host: '0.0.0.0' is reachable from other machines" in done.stderr
