"""A real ``autocode daemon`` (and ``autocode check``) living with misbehaving plugins:
it stays up and on schedule, stops promptly on a signal, and leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

SOAK_SECONDS = float(os.environ.get("AUTOCODE_SOAK_SECONDS", "24"))


def start_daemon(env: dict[str, str], project: Path) -> subprocess.Popen[str]:
    """``autocode daemon`` in ``project``; its log goes to ``daemon.log`` beside it."""
    with open(project.parent / "daemon.log", "a") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "autocode_core.cli", "daemon", "--port", "0", "--log-format", "json"],
            env=env, cwd=project, stdout=subprocess.DEVNULL, stderr=log, text=True,
        )


def daemon_log(project: Path) -> str:
    return (project.parent / "daemon.log").read_text()[-3000:]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def runs(project: Path, check: str) -> int:
    db = project / ".autocode" / "history.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM runs WHERE check_name = ?", (check,)).fetchone()[0]
    except sqlite3.OperationalError:  # the daemon is creating it
        return 0


def test_a_daemon_running_every_bad_check_stays_up_on_schedule_and_flat(
    nasty, project, find_leftovers
) -> None:
    bad = ["sleeps_check", "spins_check", "segfaults_check", "exits_check", "system_exit_check",
           "keyboard_interrupt_check", "spawns_check", "big_details_check", "not_json_check",
           "async_sleeps_check", "blocks_loop_check", "leaves_child_check"]
    every = "\n".join(f"[daemon.{name}]\ninterval_minutes = 0.05" for name in [*bad, "ok_check"])
    (project / "autocode.toml").write_text(
        f"[daemon]\nmax_concurrent_checks = 16\nrun_at_start = true\n{every}\n"
        "[daemon.hogs_check]\nenabled = false\n[daemon.threads_check]\nenabled = false\n"
        "[daemon.runs_child_check]\nenabled = false\n"
    )
    daemon = start_daemon(nasty, project)
    try:
        wait_for(lambda: runs(project, "ok_check") >= 1, 30, "the first run")
        process = psutil.Process(daemon.pid)
        samples = []
        started = time.monotonic()
        first = runs(project, "ok_check")
        while time.monotonic() - started < SOAK_SECONDS:
            assert daemon.poll() is None, daemon_log(project)
            samples.append((process.memory_info().rss, process.num_threads()))
            time.sleep(1)
        healthy = runs(project, "ok_check") - first
        assert healthy >= int(SOAK_SECONDS / 3) - 2  # every 3 s, whatever the others do
        third = len(samples) // 3
        early, late = samples[third : 2 * third], samples[2 * third :]
        rss = [r // 1048576 for r, _ in samples]
        threads = [t for _, t in samples]
        # flat: no growth from one window to the next; threads stay under anyio's pool
        # ceiling (40 workers, idle ones retire after 10 s) plus the daemon's own
        assert max(r for r, _ in late) - max(r for r, _ in early) < 30 * 1048576, rss
        assert max(threads) < 40 + 25, threads
        for name in bad:
            assert runs(project, name) >= 2, name
    finally:
        daemon.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        daemon.wait(timeout=15)
    assert time.monotonic() - stopped < 6
    time.sleep(0.3)
    assert find_leftovers(nasty["NASTY_MARK"]) == []


def test_sigterm_while_a_check_runs_a_child_kills_it_and_exits(nasty, project, find_leftovers) -> None:
    (project / "autocode.toml").write_text("[daemon]\nrun_at_start = true\n")
    env = {**nasty, "AUTOCODE_DISABLE_PLUGINS": nasty["AUTOCODE_DISABLE_PLUGINS"]}
    daemon = start_daemon(env, project)
    try:
        wait_for(lambda: find_leftovers(nasty["NASTY_MARK"]), 30, "the check's child process")
    finally:
        daemon.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        daemon.wait(timeout=15)
    assert time.monotonic() - stopped < 5
    time.sleep(0.3)
    assert find_leftovers(nasty["NASTY_MARK"]) == []


def test_ctrl_c_on_autocode_check_kills_the_child_and_exits(nasty, project, find_leftovers) -> None:
    check = subprocess.Popen(
        [sys.executable, "-m", "autocode_core.cli", "check", "runs_child_check"],
        env=nasty, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    wait_for(lambda: find_leftovers(nasty["NASTY_MARK"]), 30, "the check's child process")
    check.send_signal(signal.SIGINT)
    stopped = time.monotonic()
    _, stderr = check.communicate(timeout=15)
    assert time.monotonic() - stopped < 3 and check.returncode == 130, stderr[-2000:]
    assert "Traceback" not in stderr
    time.sleep(0.3)
    assert find_leftovers(nasty["NASTY_MARK"]) == []


def test_a_grandchild_never_holds_the_command_lines_stdout_open(nasty, project, find_leftovers) -> None:
    started = time.monotonic()
    piped = subprocess.run(  # like `autocode check | tee`: EOF must come when autocode exits
        f"{sys.executable} -m autocode_core.cli check leaves_child_check | cat",
        shell=True, env=nasty, cwd=project, capture_output=True, text=True, timeout=60,
    )
    assert "leaves_child_check" in piped.stdout and time.monotonic() - started < 30
    assert find_leftovers(nasty["NASTY_MARK"]) == []


def test_a_hanging_listener_neither_blocks_check_nor_daemon_shutdown(nasty, project) -> None:
    env = {**nasty, "AUTOCODE_DISABLE_PLUGINS": "doc_check,git_check,test_check"}
    (project / "autocode.toml").write_text("[daemon]\nlistener_timeout_seconds = 1\nrun_at_start = true\n")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "autocode_core.cli", "check", "ok_check"],
        env=env, cwd=project, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0 and time.monotonic() - started < 15, done.stderr[-2000:]
    daemon = start_daemon(env, project)
    try:
        wait_for(lambda: runs(project, "ok_check") >= 2, 30, "runs under the daemon")
    finally:
        daemon.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        daemon.wait(timeout=15)
    assert time.monotonic() - stopped < 5


def test_status_shows_the_execution_mode_and_the_last_exit(nasty, project, run_autocode) -> None:
    run_autocode(nasty, "check", "ok_check", "segfaults_check", cwd=project)
    done, _ = run_autocode(nasty, "status", "--json", cwd=project)
    checks = json.loads(done.stdout)["checks"]
    assert checks["ok_check"]["execution"] == "process" and checks["ok_check"]["last_exit"] == "completed"
    assert checks["segfaults_check"]["last_exit"] == "crashed"
