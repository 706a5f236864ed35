"""Run history: survives restarts, concurrent writers, crashes, retention, old and broken files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
import structlog

from autocode_core import CheckPlugin, CheckResult
from autocode_core.models import Finding, utc_now
from autocode_core.store.history import MIGRATIONS, SCHEMA_VERSION, HistorySchemaError, HistoryStore
from autocode_core.testing import AutocodeHarness


class Flaky(CheckPlugin):
    """Reports the statuses of ``script`` in turn."""

    name = "flaky_check"
    script: list[str] = []

    def execute(self, context):
        status = Flaky.script.pop(0) if Flaky.script else "success"
        return CheckResult(status=status, message=f"{status} run", details={"n": len(Flaky.script)})


def result(name: str = "c", status: str = "success", duration: float = 0.1, when=None) -> CheckResult:
    return CheckResult(check_name=name, status=status, message=status, duration_seconds=duration,
                       timestamp=when or utc_now())


def daemon(tmp_path, config=None):
    h = AutocodeHarness()
    h.register(Flaky)
    return h.daemon(tmp_path, config)


def test_a_restart_shows_the_last_results_at_once(tmp_path) -> None:
    Flaky.script = ["warning", "error"]
    first = daemon(tmp_path)
    first.run_check_manually("flaky_check")
    first.run_check_manually("flaky_check")
    second = daemon(tmp_path)
    assert second.results["flaky_check"].status == "error"
    assert second.results["flaky_check"].message == "error run"
    runs = second.get_history("flaky_check")
    assert [r.status for r in runs] == ["error", "warning"]
    assert runs[0].trigger == "manual" and runs[0].plugin == "flaky_check"
    metrics = second.get_health_metrics()["checks"]["flaky_check"]
    assert metrics["execution_count"] == 2 and metrics["consecutive_errors"] == 1
    assert metrics["status_counts"] == {"success": 0, "warning": 1, "error": 1}


def test_metrics_from_history(tmp_path) -> None:
    store = HistoryStore(tmp_path / "h.db")
    for i in range(1, 21):
        store.record(result(status="success" if i < 18 else "error", duration=float(i)))
    m = store.metrics()["c"]
    assert m["execution_count"] == 20 and m["status_counts"] == {"success": 17, "warning": 0, "error": 3}
    assert m["average_duration_seconds"] == pytest.approx(10.5)
    assert m["p95_duration_seconds"] == 19.0
    assert m["consecutive_errors"] == 3 and m["last_success"] is not None
    other = HistoryStore(tmp_path / "h.db")  # another connection's write invalidates the cache
    other.record(result(status="success"))
    other.close()
    assert store.metrics()["c"]["execution_count"] == 21
    store.record(result(status="error"))
    assert store.metrics()["c"]["consecutive_errors"] == 1
    store.close()


def test_retention_by_count_and_age(tmp_path) -> None:
    store = HistoryStore(tmp_path / "h.db", max_runs_per_check=5, max_age_days=30)
    old = utc_now() - timedelta(days=60)
    store.record(result("old", when=old))
    for i in range(12):
        store.record(result("c", duration=i))
    assert store.count() == 5
    assert [r.duration_seconds for r in store.list_runs("c")] == [11, 10, 9, 8, 7]
    assert store.list_runs("old") == []
    store.close()


def test_retention_deletes_in_bounded_batches_each_its_own_transaction(tmp_path, monkeypatch) -> None:
    from structlog.testing import capture_logs

    from autocode_core.store import history

    monkeypatch.setattr(history, "PRUNE_BATCH", 7)
    db = tmp_path / "h.db"
    HistoryStore(db).close()
    old = (utc_now() - timedelta(days=100)).timestamp()
    with sqlite3.connect(db) as conn:  # 50 old runs and 30 of another check, written by an older daemon
        conn.executemany("INSERT INTO runs (check_name, status, message, details, started_at) VALUES (?, ?, ?, ?, ?)",
                         [("old", "success", "old", "{}", old)] * 50 + [("c", "success", "c", "{}", time.time())] * 30)
    conn.close()
    store = HistoryStore(db, max_runs_per_check=5, max_age_days=30)
    statements: list[str] = []
    store._file.use(lambda conn: conn.set_trace_callback(statements.append), write=False)
    with capture_logs() as logs:
        store.record(result("c"))  # the first write of a store prunes everything
    assert store.count() == 5 and store.list_runs("old") == []
    deletes = [i for i, s in enumerate(statements) if s.startswith("DELETE")]
    assert len(deletes) == 4 + 8  # c: 26 rows in batches of 7; old: 50 rows in batches of 7
    transactions = " ".join(s.split()[0] for s in statements).split("COMMIT")
    assert max(t.split().count("DELETE") for t in transactions) == 1  # never two batches in one lock
    pruned = [e for e in logs if e["event"] == "history_pruned"]
    assert [(e["deleted"], e["batches"]) for e in pruned] == [(26 + 50, 12)]
    store.close()


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from autocode_core.store.history import HistoryStore
    from autocode_core.models import CheckResult
    store = HistoryStore(Path(sys.argv[1]), max_runs_per_check=100000)
    for i in range(int(sys.argv[3])):
        store.record(CheckResult(check_name=sys.argv[2], status="success", message=str(i)))
        print(i, flush=True)
""")


def test_concurrent_writers_never_see_database_is_locked(tmp_path) -> None:
    db = tmp_path / "state" / "history.db"
    HistoryStore(db).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), f"w{i}", "150"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for i in range(3)]
    reader = HistoryStore(db)
    while any(p.poll() is None for p in procs):
        reader.metrics()
        reader.list_runs(limit=5)
    errors = [p.stderr.read() for p in procs]
    for p in procs:
        p.stderr.close()
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert reader.count() == 450
    reader.close()


def test_a_killed_writer_loses_at_most_the_run_in_progress(tmp_path) -> None:
    db = tmp_path / "history.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "k", "100000"],
                            stdout=subprocess.PIPE, text=True)
    committed = -1
    while committed < 300:
        committed = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    store = HistoryStore(db)
    assert store.count() >= committed + 1
    assert store._query("PRAGMA integrity_check") == [("ok",)]
    store.close()


def test_an_unreadable_database_is_moved_aside_with_a_warning(tmp_path) -> None:
    Flaky.script = []
    state = tmp_path / ".autocode"
    state.mkdir()
    (state / "history.db").write_bytes(b"this is not sqlite" * 100)
    with structlog.testing.capture_logs() as logs:
        d = daemon(tmp_path)
        d.run_check_manually("flaky_check")
    moved = [p for p in state.iterdir() if p.name.startswith("history.db.unreadable-")]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not sqlite")
    assert any(e["event"] == "history_unreadable_moved_aside" for e in logs)
    assert d.history is not None and d.history.count() == 1
    assert d.get_health_metrics()["history"]["recovered_from"] == str(moved[0])


def test_an_older_database_is_migrated_keeping_its_runs(tmp_path) -> None:
    db = tmp_path / "history.db"
    conn = sqlite3.connect(db)
    for statement in MIGRATIONS[1]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO runs (check_name, status, message, details, started_at, duration, plugin)"
                 " VALUES ('c', 'warning', 'from v1', '{}', ?, 0.5, 'p')", (time.time(),))
    conn.commit()
    conn.close()
    store = HistoryStore(db)
    assert store._query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    (run,) = store.list_runs("c")
    assert (run.message, run.trigger, run.plugin_version, run.findings) == ("from v1", "schedule", None, [])
    store.record(result("c"))
    assert store.count() == 2
    store.close()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_reader_reads_an_older_database_as_it_is_and_writes_nothing(tmp_path, version) -> None:
    """``status``/``history`` after an upgrade of autocode, before any run migrated the file."""
    db = tmp_path / "history.db"
    conn = sqlite3.connect(db)
    for v in range(1, version + 1):
        for statement in MIGRATIONS[v]:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO runs (check_name, status, message, details, started_at, duration, plugin)"
                 " VALUES ('c', 'error', 'from before', '{}', ?, 0.5, 'p')", (time.time(),))
    conn.commit()
    conn.close()
    before = db.read_bytes()
    reader = HistoryStore(db, read_only=True)
    (run,) = reader.list_runs("c")
    assert (run.message, run.status, run.trigger, run.findings) == ("from before", "error", "schedule", [])
    assert reader.latest()["c"].message == "from before" and reader.count() == 1
    assert reader.metrics()["c"]["execution_count"] == 1
    reader.close()
    assert db.read_bytes() == before  # not migrated, not touched
    writer = HistoryStore(db)  # the next run migrates it, keeping the run
    assert writer._query("PRAGMA user_version") == [(SCHEMA_VERSION,)] and writer.count() == 1
    writer.close()


def test_findings_are_kept_with_their_run(tmp_path) -> None:
    store = HistoryStore(tmp_path / "history.db")
    found = [Finding(message="tests/test_a.py::test_x failed", severity="error", path="tests/test_a.py",
                     line=3, kind="failing_test", id="tests/test_a.py::test_x", data={"n": 1})]
    store.record(result("c", "error").model_copy(update={"findings": found}))
    (run,) = store.list_runs("c")
    assert run.findings == found and run.to_result().findings == found
    assert store.latest()["c"].findings == found
    store.close()


def test_a_newer_database_is_left_alone(tmp_path) -> None:
    Flaky.script = []
    db = tmp_path / ".autocode" / "history.db"
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(HistorySchemaError, match="newer"):
        HistoryStore(db)
    d = daemon(tmp_path)
    assert d.run_check_manually("flaky_check").status == "success"  # checks still run
    names = sorted(p.name for p in db.parent.iterdir())
    assert d.history is None and names == [".autocode-state", ".gitignore", "history.db"]


def test_history_can_be_disabled(tmp_path) -> None:
    d = daemon(tmp_path, {"history": {"enabled": False}})
    d.run_check_manually("flaky_check")
    assert d.get_history() == [] and not (tmp_path / ".autocode" / "history.db").exists()


def test_cli_status_and_history_read_the_store_without_a_daemon(tmp_path, make_dist, unique) -> None:
    mod = unique("hist_plugin")
    site = make_dist("hist-dist", {mod: """
        from autocode_core import CheckPlugin, CheckResult
        class C(CheckPlugin):
            name = "hist_check"
            def execute(self, context):
                return CheckResult(status="warning", message="⚠️ 1 thing")
    """}, {"hist_check": f"{mod}:C"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env |= {"PYTHONPATH": str(site), "AUTOCODE_DISABLE_PLUGINS": "doc_check,git_check,test_check"}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "autocode_core.cli", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)

    assert cli("check").returncode == 1
    assert cli("check").returncode == 1
    status = cli("status")
    assert "not running" in status.stdout and "⚠️ hist_check: 1 thing" in status.stdout
    assert "2 runs" in status.stdout
    doc = json.loads(cli("status", "--json").stdout)
    assert doc["checks"]["hist_check"]["execution_count"] == 2 and doc["daemon_running"] is False
    runs = json.loads(cli("history", "hist_check", "--limit", "1", "--json").stdout)["runs"]
    assert len(runs) == 1 and runs[0]["trigger"] == "cli" and runs[0]["plugin_version"] == "1.0"
    assert "cli" in cli("history").stdout
    assert cli("history", "nope").returncode == 2
