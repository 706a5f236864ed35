"""A damaged ``history.db``: found on open or at any later read or write, moved
aside with a warning, a fresh history started; never a raw sqlite traceback."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
import structlog

from autocode_core.models import CheckResult
from autocode_core.store import sqlite_file
from autocode_core.store.history import HistoryStore
from autocode_core.store.state_dir import ensure_state_dir

RUNS = 3000


ENTRIES = [{"doc_path": f"docs/m{j}.md", "code_path": f"src/m{j}.py", "status": "outdated"} for j in range(12)]


def _fill(path: Path, runs: int = RUNS) -> None:
    """Runs with details the size a docs check reports (~1 KB)."""
    store = HistoryStore(path, max_runs_per_check=100_000)
    for i in range(runs):
        store.record(CheckResult(check_name=f"check_{i % 3}", status="warning", message=f"run {i}",
                                 details={"entries": ENTRIES}, duration_seconds=0.1))
    store.close()


def damage(path: Path, seed: int = 13) -> None:
    """8 KB of random bytes at 1/3 and at 1/2 of the file."""
    size = path.stat().st_size
    rng = random.Random(seed)
    with path.open("r+b") as handle:
        for fraction in (1 / 3, 1 / 2):
            handle.seek(int(size * fraction))
            handle.write(rng.randbytes(8192))


@pytest.fixture(scope="module")
def healthy_history(tmp_path_factory) -> Path:
    """A history of a few thousand runs, written once for the module."""
    path = tmp_path_factory.mktemp("healthy") / "history.db"
    _fill(path)
    return path


@pytest.fixture
def damaged(healthy_history, tmp_path) -> Path:
    path = tmp_path / "state" / "history.db"
    path.parent.mkdir()
    shutil.copyfile(healthy_history, path)
    damage(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchall() == [(RUNS,)]  # a cheap look sees nothing
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):  # a full read does
        conn.execute("SELECT COUNT(*), SUM(LENGTH(details)) FROM runs").fetchall()
    conn.close()
    return path


def _moved(path: Path) -> list[Path]:
    """The damaged database moved aside (not its -wal and -shm companions)."""
    return [p for p in sorted(path.parent.glob(f"{path.name}.unreadable-*")) if p.name[-4:] not in ("-wal", "-shm")]


def test_damage_in_the_middle_is_found_on_open(damaged) -> None:
    original = damaged.read_bytes()
    with structlog.testing.capture_logs() as logs:
        store = HistoryStore(damaged)
    (moved,) = _moved(damaged)
    assert moved.read_bytes() == original  # kept for the user, not deleted
    assert store.count() == 0 and store.recovered_from == moved
    health = store.health
    assert health.ok and health.recovered_from == moved and health.problem is None
    assert any(e["event"] == "history_unreadable_moved_aside" and e["log_level"] == "warning" for e in logs)
    store.record(CheckResult(check_name="c", status="success", message="fresh"))
    assert [r.message for r in store.list_runs()] == ["fresh"]
    store.close()


def _invalidate_caches_of_other_connections(path: Path) -> None:
    """Another process commits (as a CLI run does), so open connections re-read pages."""
    other = sqlite3.connect(path)
    other.execute("PRAGMA user_version = 2")
    other.commit()
    other.close()


def test_damage_found_by_a_later_read_is_moved_aside(healthy_history, tmp_path) -> None:
    path = tmp_path / "history.db"
    shutil.copyfile(healthy_history, path)
    store = HistoryStore(path)  # healthy when opened, damaged while open
    assert store.metrics()["check_0"]["execution_count"] == RUNS // 3
    damage(path)
    _invalidate_caches_of_other_connections(path)
    assert store.metrics() == {}  # no exception: a fresh, empty history
    (moved,) = _moved(path)
    assert store.health.recovered_from == moved and store.health.ok
    store.record(CheckResult(check_name="c", status="success", message="after"))
    assert store.count() == 1
    store.close()


def test_damage_found_by_a_write_keeps_the_run(healthy_history, tmp_path) -> None:
    path = tmp_path / "history.db"
    shutil.copyfile(healthy_history, path)
    store = HistoryStore(path)
    with path.open("r+b") as handle:  # every page but the header: the write must touch one
        handle.seek(4096)
        handle.write(random.Random(1).randbytes(path.stat().st_size - 4096))
    _invalidate_caches_of_other_connections(path)
    store.record(CheckResult(check_name="check_0", status="error", message="kept"))
    assert [r.message for r in store.list_runs()] == ["kept"]
    assert store.health.recovered_from == _moved(path)[0]
    store.close()


def test_the_open_check_is_bounded_and_later_reads_still_catch_damage(damaged, monkeypatch) -> None:
    monkeypatch.setattr(sqlite_file, "OPEN_CHECK_SECONDS", 0.0)
    with structlog.testing.capture_logs() as logs:
        store = HistoryStore(damaged)
    assert _moved(damaged) == [] and any(e["event"] == "history_check_incomplete" for e in logs)
    assert store.metrics() == {} and len(_moved(damaged)) == 1
    store.close()


COMMANDS = [["check"], ["status"], ["status", "--json"], ["history"], ["history", "tick_check", "--json"]]


def _damaged_state(cli, healthy: Path) -> Path:
    """The project's own state folder, claimed as autocode does, with a damaged history."""
    path = ensure_state_dir(cli.root) / "history.db"
    shutil.copyfile(healthy, path)
    damage(path)
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_command_fails_on_a_damaged_history(autocode_cli, healthy_history, command) -> None:
    path = _damaged_state(autocode_cli, healthy_history)
    before = path.read_bytes()
    done = autocode_cli(*command)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "DatabaseError" not in done.stderr
    if command[0] != "check":  # status and history only read: they touch nothing, and say
        # so when they meet the damage (history's newest rows may well be readable)
        assert path.read_bytes() == before and _moved(path) == []
        if "history_unavailable" in done.stderr:
            assert "left as it is" in done.stderr
        return
    assert "history_unreadable_moved_aside" in done.stderr and len(_moved(path)) == 1
    store = HistoryStore(path)  # a fresh history, with the run of `check` in it
    assert store.count() == 1 and store.recovered_from is None
    store.close()


@pytest.mark.parametrize("command", [["plugins"], ["config", "show"]], ids=" ".join)
def test_commands_that_need_no_history_leave_it_alone(autocode_cli, healthy_history, command) -> None:
    path = _damaged_state(autocode_cli, healthy_history)
    before = path.read_bytes()
    done = autocode_cli(*command)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert path.read_bytes() == before and _moved(path) == []


def test_the_daemon_starts_on_a_damaged_history_and_records_afresh(autocode_cli, healthy_history) -> None:
    path = _damaged_state(autocode_cli, healthy_history)
    daemon = autocode_cli.popen("daemon", "--port", "0", "--log-format", "json")
    try:
        seen = []
        for line in daemon.stderr:
            seen.append(line)
            if '"check_completed"' in line:
                break
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(20) == 0
        rest = daemon.stderr.read()
    finally:
        if daemon.poll() is None:
            daemon.kill()
        daemon.stderr.close()
    text = "".join(seen) + rest
    assert "Traceback" not in text and "history_unreadable_moved_aside" in text
    assert len(_moved(path)) == 1
    assert HistoryStore(path).count() == 1
