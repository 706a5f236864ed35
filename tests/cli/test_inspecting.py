"""``autocode plugins``, ``config show``, ``status``, ``history``: they only read.

Acceptance of issue 10: these commands start no scheduler, do not open the
history database for writing and do not take the project lock. Proved with
real processes against a project whose plugins are installed distributions
(the ``cli`` fixture): a check that runs leaves a mark, the state folder's
files are compared byte for byte (and by mtime) before and after, and the
project lock is held by a running ``autocode daemon`` meanwhile.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import subprocess
import sys

import pytest

from autocode_core import CheckResult
from autocode_core.store.history import MIGRATIONS, HistoryStore
from autocode_core.store.state_dir import DaemonLock, ensure_state_dir

from .conftest import autocode

READ_ONLY = [["plugins"], ["config", "show"], ["status"], ["history"]]
IDS = ["plugins", "config-show", "status", "history"]


def test_read_only_commands_work_beside_a_running_daemon_and_change_nothing(cli) -> None:
    for _ in range(2):
        assert cli.run("check", "marked_check").returncode == 0
    with cli.daemon() as daemon:  # holds the project lock; run_at_start is off
        before, marks = cli.state(), cli.marks()
        assert {"daemon.lock", "history.db", ".gitignore"} <= set(before)
        done = {" ".join(args): cli.run(*args) for args in READ_ONLY}
        status_json = json.loads(cli.run("status", "--json").stdout)
        after = cli.state()
    assert {name: d.returncode for name, d in done.items()} == dict.fromkeys(done, 0), done
    assert after == before  # daemon.lock, history.db and .gitignore: same bytes, same mtime
    assert cli.marks() == marks == ["marked_check", "marked_check"]  # no check ran meanwhile
    assert f"autocode daemon: running (pid {daemon.proc.pid})" in done["status"].stdout
    assert (status_json["daemon_running"], status_json["daemon_pid"]) == (True, daemon.proc.pid)
    assert done["history"].stdout.count("marked_check: marked (success)") == 2
    assert "broken_check" in done["plugins"].stdout and "failed" in done["plugins"].stdout
    assert "daemon.run_at_start = false" in done["config show"].stdout.splitlines()


@pytest.mark.parametrize("args", READ_ONLY, ids=IDS)
def test_read_only_commands_create_no_state_folder(cli, args) -> None:
    done = cli.run(*args)
    assert done.returncode == 0, done.stderr
    assert not cli.state_dir.exists() and cli.marks() == []
    assert sorted(p.name for p in cli.root.iterdir()) == ["autocode.toml"]


@pytest.mark.parametrize(
    "args",
    [READ_ONLY[0], READ_ONLY[1], READ_ONLY[2], READ_ONLY[3]],
    ids=IDS,
)
def test_read_only_commands_take_no_lock(cli, args) -> None:
    lock = DaemonLock(ensure_state_dir(cli.root))
    lock.acquire({"pid": 1})
    lock.release()  # daemon.lock exists, nobody holds it
    done, flocks = cli.run_audited(*args)
    assert done.returncode == 0, done.stderr
    assert not [op for path, op in flocks if op & fcntl.LOCK_EX]  # never the daemon's own lock
    assert [(path.rsplit("/", 1)[-1], op) for path, op in flocks] == []


# -- the history file is left as it was found -----------------------------------------------

WRITER = """
import os, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
for i in range(20):
    conn.execute(
        "INSERT INTO runs (check_name, status, message, details, started_at, duration, plugin,"
        " plugin_version, trigger) VALUES ('marked_check', 'success', 'from a killed daemon',"
        " '{}', ?, 0.1, 'marked_check', '1.0', 'schedule')",
        (time.time(),),
    )
os._exit(0)  # as kill -9: the WAL is never checkpointed into history.db
"""


def _record_runs(path) -> None:
    store = HistoryStore(path)
    for status in ("success", "error", "success"):
        store.record(
            CheckResult(check_name="marked_check", status=status, message=status),
            plugin="marked_check",
            trigger="cli",
        )
    store.close()


def earlier_autocode(cli) -> None:
    """The state folder an earlier autocode left: ``.gitignore`` and history, no marker."""
    _record_runs(cli.state_dir / "history.db")
    (cli.state_dir / ".gitignore").write_text("# written by autocode: this folder is local state\n*\n")


def unfinished_wal(cli) -> None:
    """A daemon was killed with runs still in the write-ahead log."""
    _record_runs(ensure_state_dir(cli.root) / "history.db")
    subprocess.run([sys.executable, "-c", WRITER, str(cli.state_dir / "history.db")], check=True)
    assert (cli.state_dir / "history.db-wal").stat().st_size > 0


def older_schema(cli) -> None:
    """A history written by an older autocode (schema 1)."""
    conn = sqlite3.connect(ensure_state_dir(cli.root) / "history.db", isolation_level=None)
    for statement in MIGRATIONS[1]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO runs (check_name, status, message, details, started_at, duration, plugin)"
        " VALUES ('marked_check', 'success', 'old', '{}', 1700000000, 0.1, 'marked_check')"
    )
    conn.close()


def unreadable(cli) -> None:
    """A history file that is not a database (a bad copy, a disk error)."""
    (ensure_state_dir(cli.root) / "history.db").write_bytes(b"not a database\n" * 100)


SCENARIOS = {f.__name__: f for f in (earlier_autocode, unfinished_wal, older_schema, unreadable)}


@pytest.mark.parametrize(
    ("scenario", "command"),
    [
        pytest.param(scenario, command, id=f"{scenario}-{command}")
        for scenario in SCENARIOS
        for command in ("status", "history")
    ],
)
def test_reading_leaves_the_state_folder_as_it_was_found(cli, scenario, command) -> None:
    SCENARIOS[scenario](cli)
    before = cli.state()
    done = cli.run(command)
    assert done.returncode == 0, done.stderr
    assert cli.state() == before


# -- what they show ----------------------------------------------------------------------------


def test_status_shows_results_figures_and_load_failures(cli) -> None:
    assert cli.run("check", "marked_check", env={"AUTOCODE_TEST_STATUS": "error"}).returncode == 1
    assert cli.run("check", "marked_check").returncode == 0
    text = cli.run("status").stdout.splitlines()
    assert text[0] == f"autocode daemon: not running — project {cli.root}"
    assert any(
        line.startswith("✅ marked_check: marked (success)") and line.endswith(", 2 runs]")
        for line in text
    )
    assert any(
        line.startswith("❌ broken_check: plugin broken_check (broken-plugin 0.3) failed to load")
        for line in text
    )
    doc = json.loads(cli.run("status", "--json").stdout)
    assert (doc["schema_version"], doc["daemon_running"], doc["daemon_pid"]) == (1, False, None)
    marked = doc["checks"]["marked_check"]
    assert (marked["execution_count"], marked["status_counts"]["error"]) == (2, 1)
    assert doc["history"]["stored_runs"] == 2
    assert [p["name"] for p in doc["plugins"]["failed"]] == ["broken_check"]


def test_history_lists_runs_newest_first_and_refuses_unknown_names(cli) -> None:
    assert cli.run("history").stdout.strip() == "no runs recorded yet"
    cli.run("check", "marked_check", env={"AUTOCODE_TEST_STATUS": "warning"})
    cli.run("check", "marked_check")
    runs = json.loads(cli.run("history", "marked_check", "--limit", "1", "--json").stdout)["runs"]
    assert [(r["status"], r["trigger"], r["plugin"], r["plugin_version"]) for r in runs] == [
        ("success", "cli", "marked_check", "1.0")
    ]
    assert (
        cli.run("history", "broken_check").stdout.strip() == "no runs recorded yet"
    )  # known, never ran
    unknown = cli.run("history", "nope")
    assert unknown.returncode == 2
    assert (
        "unknown check 'nope' (known: broken_check, marked_check, meet_a, meet_b)" in unknown.stderr
    )


# -- findings and formats -----------------------------------------------------------

def test_show_prints_the_latest_result_with_its_findings(findings_env, project) -> None:
    before = autocode(findings_env, "show", "failing_check", cwd=project)
    assert before.returncode == 0 and "no result yet" in before.stdout
    autocode(findings_env, "check", cwd=project)
    done = autocode(findings_env, "show", "failing_check", "--max-items", "3", cwd=project)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("❌ failing_check: 15 tests failing, 1 missing")
    assert lines[1] == "    15 failing tests in 1 file, 1 missing test"
    assert lines[-1] == "    … and 13 more (12 failing tests in 1 file, 1 missing test)"
    doc = json.loads(autocode(findings_env, "show", "failing_check", "--json", cwd=project).stdout)
    assert doc["result"]["status"] == "error"
    assert doc["result"]["findings_total"] == 16 and len(doc["result"]["findings"]) == 16
    unknown = autocode(findings_env, "show", "nope", cwd=project)
    assert unknown.returncode == 2 and "unknown check 'nope'" in unknown.stderr


def test_status_and_history_show_findings_when_asked(findings_env, project) -> None:
    autocode(findings_env, "check", cwd=project)
    status = autocode(findings_env, "status", "-v", "--max-items", "1", cwd=project).stdout.splitlines()
    at = next(i for i, line in enumerate(status) if line.startswith("❌ failing_check"))
    assert status[at + 1:at + 4] == [
        "    15 failing tests in 1 file, 1 missing test",
        "    ✗ tests/test_a.py::test_1: assert 1 == 0",
        "    … and 15 more (14 failing tests in 1 file, 1 missing test)",
    ]
    assert "    15 failing tests" not in autocode(findings_env, "status", cwd=project).stdout
    doc = json.loads(autocode(findings_env, "status", "--format", "json", "-v", cwd=project).stdout)
    assert doc["checks"]["failing_check"]["findings_total"] == 16
    assert len(doc["checks"]["failing_check"]["findings"]) == 10
    history = autocode(findings_env, "history", "failing_check", "-v", cwd=project).stdout.splitlines()
    assert history[1] == "    15 failing tests in 1 file, 1 missing test"
    runs = json.loads(autocode(findings_env, "history", "--json", "-vv", cwd=project).stdout)["runs"]
    assert {r["check_name"]: r["findings_total"] for r in runs} == {"failing_check": 16, "quiet_check": 0}


def test_every_reading_command_speaks_json(findings_env, project) -> None:
    for args in (["plugins"], ["config", "show"], ["status"], ["history"], ["show", "quiet_check"]):
        for flag in (["--json"], ["--format", "json"]):
            done = autocode(findings_env, *args, *flag, cwd=project)
            assert done.returncode == 0, (args, done.stderr)
            assert isinstance(json.loads(done.stdout), dict)
