"""The shared history on a real PostgreSQL: same schema and answers as SQLite,
many writers at once, runs recorded once, retention in batches, outages."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import psycopg
import pytest

from autocode_core import CheckResult
from autocode_core.config.models import HistoryConfig
from autocode_core.models import utc_now
from autocode_core.store import history_postgres
from autocode_core.store.history import HistoryStore
from autocode_core.store.history_backend import open_history
from autocode_core.store.history_postgres import PostgresHistory, masked_url

pytestmark = pytest.mark.postgres


def result(name: str = "c", status: str = "success", duration: float = 0.1, when=None) -> CheckResult:
    return CheckResult(check_name=name, status=status, message=status, duration_seconds=duration,
                       timestamp=when or utc_now())


def columns_of_postgres(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT column_name, is_nullable FROM information_schema.columns"
                            " WHERE table_name = 'runs' ORDER BY ordinal_position").fetchall()
        indexes = conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'runs'").fetchall()
    return [(name, nullable) for name, nullable in rows] + sorted(("index", i[0]) for i in indexes)


def test_both_databases_get_the_same_schema(postgres_url, tmp_path) -> None:
    PostgresHistory(postgres_url, project="p").close()
    sqlite = HistoryStore(tmp_path / "h.db")
    info = sqlite._query("PRAGMA table_info(runs)")
    indexes = sqlite._query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'")
    sqlite.close()
    expected = [(r[1], "YES" if not r[3] and not r[5] else "NO") for r in info]
    expected += sorted(("index", i[0]) for i in indexes)
    got = [c for c in columns_of_postgres(postgres_url) if c != ("index", "runs_pkey")]
    assert got == expected


def test_postgres_answers_like_sqlite(postgres_url, tmp_path) -> None:
    pg = PostgresHistory(postgres_url, project="shop")
    lite = HistoryStore(tmp_path / "h.db", project="shop")
    start = utc_now() - timedelta(minutes=30)
    for i, status in enumerate(["success", "warning", "error"] * 7 + ["error", "error"]):
        for store in (pg, lite):
            store.record(result("a", status, duration=i / 10, when=start + timedelta(seconds=i)), plugin="x")
            store.record(result("b", "success", duration=1.0, when=start + timedelta(seconds=i)))
    assert pg.metrics() == lite.metrics()
    a = pg.metrics()["a"]
    assert a["execution_count"] == 23 and a["consecutive_errors"] == 3
    assert a["p95_duration_seconds"] == 2.1  # nearest rank: the 22nd of 23 durations
    assert [r.message for r in pg.list_runs("a", 3)] == [r.message for r in lite.list_runs("a", 3)]
    assert pg.latest().keys() == lite.latest().keys() == {"a", "b"}
    assert pg.consecutive_errors("a", skip_latest=True) == 2
    assert pg.list_runs("a", 1)[0].project == "shop"
    pg.close()
    lite.close()


def test_a_run_id_is_recorded_once(postgres_url, tmp_path) -> None:
    for store in (PostgresHistory(postgres_url, project="p"), HistoryStore(tmp_path / "h.db")):
        assert store.record(result(), run_id="run-1") > 0
        assert store.record(result(), run_id="run-1") == 0  # delivered twice
        store.record(result())
        store.record(result())  # no run id: always recorded
        assert store.count() == 3
        store.close()


def test_projects_share_one_database(postgres_url) -> None:
    shop, blog = PostgresHistory(postgres_url, project="shop"), PostgresHistory(postgres_url, project="blog")
    shop.record(result("test_check", "error"))
    shop.record(result("doc_check", "success"))
    blog.record(result("test_check", "success"))
    assert shop.count() == 2 and blog.count() == 1
    assert set(blog.metrics()) == {"test_check"}
    overview = blog.projects()
    assert overview["shop"]["status"] == "error"
    assert overview["shop"]["checks"]["doc_check"]["status"] == "success"
    assert overview["blog"]["checks"]["test_check"]["runs"] == 1
    shop.close()
    blog.close()


WRITER = textwrap.dedent("""
    import sys
    from autocode_core import CheckResult
    from autocode_core.store.history_backend import open_history
    from autocode_core.config.models import HistoryConfig
    url, path, project, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    config = HistoryConfig(url=url or None, max_runs_per_check=1_000_000)
    from pathlib import Path
    store = open_history(config, Path(path), project)
    for i in range(runs):
        store.record(CheckResult(check_name="c", status="success", message=str(i)), run_id=f"{project}-{i}")
    store.close()
""")


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_many_writers_at_once_lose_nothing(backend, postgres_url, tmp_path) -> None:
    writers, runs = 4, 250  # the benchmark writes 8 x 10,000
    url = postgres_url if backend == "postgres" else ""
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(tmp_path / "h.db"), f"d{n}", str(runs)])
             for n in range(writers)]
    assert [p.wait(60) for p in procs] == [0] * writers
    config = HistoryConfig(url=url or None)
    store = open_history(config, tmp_path / "h.db", "d0")
    overview = store.projects()
    assert {name: entry["checks"]["c"]["runs"] for name, entry in overview.items()} == {
        f"d{n}": runs for n in range(writers)}
    store.close()


def test_retention_deletes_in_bounded_batches(postgres_url, monkeypatch) -> None:
    monkeypatch.setattr(history_postgres, "PRUNE_BATCH", 7)
    store = PostgresHistory(postgres_url, max_runs_per_check=5, project="p")
    old = utc_now() - timedelta(days=100)
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # 50 runs written by an older daemon
        conn.execute("INSERT INTO runs (check_name, status, message, details, started_at, project)"
                     " SELECT 'c', 'success', 'old', '{}', %s, 'p' FROM generate_series(1, 50)",
                     (old.timestamp(),))
    store.record(result("c"))  # the first write of a store prunes everything
    assert store.count() == 1  # age: the 50 old runs are gone, in batches of 7
    for _ in range(8):
        store.record(result("c"))
    assert store.count() == 5
    store.close()


def test_an_outage_queues_runs_and_flushes_them_when_the_database_returns(postgres_server, monkeypatch) -> None:
    url = postgres_server.create_database("outage")
    monkeypatch.setattr(history_postgres, "RETRY_SECONDS", 0.0)
    store = PostgresHistory(url, project="p", outage_queue=3)
    store.record(result("c"))
    postgres_server.stop()
    try:
        for n in range(5):  # the checks go on; 3 wait in memory, the 2 oldest are dropped
            assert store.record(result("c", "error", duration=n)) == 0
        health = store.health
        assert not health.ok and health.kind == "unreachable"
        assert "3 run(s) waiting in memory (at most 3, oldest dropped first), 2 dropped" in health.problem
        assert store.list_runs() == [] and store.metrics() == {}
    finally:
        postgres_server.start()
    assert store.flush()
    assert store.health.ok
    assert [r.duration_seconds for r in store.list_runs("c")] == [4, 3, 2, 0.1]
    store.close()


def rows_in(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])


def test_waiting_runs_are_written_when_the_database_returns_without_any_run_or_read(
    postgres_server, monkeypatch
) -> None:
    url = postgres_server.create_database("idle_outage")
    monkeypatch.setattr(history_postgres, "RETRY_SECONDS", 0.05)
    store = PostgresHistory(url, project="p")
    postgres_server.stop()
    try:
        for n in range(3):
            assert store.record(result("c", duration=n)) == 0  # queued
        assert len(store.pending) == 3
    finally:
        postgres_server.start()
    deadline = time.monotonic() + 10
    while rows_in(url) < 3 and time.monotonic() < deadline:  # nothing touches the store meanwhile
        time.sleep(0.05)
    assert rows_in(url) == 3 and not store.pending
    assert store.health.ok
    store.close()


def test_the_last_flush_writes_what_it_can_and_logs_what_is_lost(postgres_server, monkeypatch) -> None:
    from structlog.testing import capture_logs

    url = postgres_server.create_database("final_flush")
    monkeypatch.setattr(history_postgres, "RETRY_SECONDS", 3600.0)  # only the last flush may write
    store = PostgresHistory(url, project="p")
    postgres_server.stop()
    try:
        store.record(result("c"))
        store.record(result("c"))
        with capture_logs() as logs:
            started = time.monotonic()
            assert store.final_flush(timeout=2.0) == 2
        assert time.monotonic() - started < 5  # bounded: connect_timeout, then give up
        lost = [e for e in logs if e["event"] == "history_runs_lost"]
        assert [(e["runs"], e["dropped"]) for e in lost] == [(2, 0)]
    finally:
        postgres_server.start()
    with capture_logs() as logs:
        assert store.final_flush(timeout=2.0) == 0  # the database is back: written at once
    assert rows_in(url) == 2
    assert [e["runs"] for e in logs if e["event"] == "history_queue_flushed"] == [2]
    store.close()


def test_a_database_down_at_start_does_not_stop_the_store(postgres_server, monkeypatch) -> None:
    monkeypatch.setattr(history_postgres, "RETRY_SECONDS", 0.0)
    url = f"postgresql://autocode:secret@127.0.0.1:{postgres_server.port + 1}/nowhere"
    store = open_history(HistoryConfig(url=url), postgres_server.data, "p")
    assert store.record(result()) == 0
    assert "database unreachable" in (store.health.problem or "")
    assert "secret" not in (store.health.problem or "") and "***" in str(store.path)
    store.close()


def test_masked_url() -> None:
    assert masked_url("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert masked_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_the_url_must_be_postgres() -> None:
    with pytest.raises(ValueError, match="postgresql://"):
        HistoryConfig(url="mysql://x")


def test_a_reader_creates_nothing_in_an_empty_database(postgres_url) -> None:
    from autocode_core.store.history_schema import HistorySchemaError

    with pytest.raises(HistorySchemaError, match="schema 0"):
        PostgresHistory(postgres_url, project="p", read_only=True)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('autocode_schema')").fetchone()[0] is None
