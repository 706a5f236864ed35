"""Benchmark of SQLite retention in batches: how long another writer waits.

    python bench/bench_retention.py [--surplus 50000]

A history holds ``--surplus`` runs more than ``max_runs_per_check`` (500),
as after lowering the setting. One ``record`` prunes them: in batches of
``PRUNE_BATCH`` rows, each its own transaction, with a short pause between
full batches. Meanwhile another connection writes (``BEGIN IMMEDIATE``;
``COMMIT``) in a loop, as a CLI run would; the figure is the longest it
waited. The baseline, measured in the same run on an identical database:
the same surplus deleted by one statement in one transaction (the rule
before batching). Also printed: the time of the pruning write itself.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from autocode_core.cli.logs import configure_logging
from autocode_core.models import CheckResult
from autocode_core.store.history import HistoryStore

KEEP = 500


def prepared(folder: Path, surplus: int) -> Path:
    db = folder / "history.db"
    HistoryStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO runs (check_name, status, message, details, started_at) VALUES ('c', 'success', 'x', '{}', ?)",
            [(time.time(),)] * (KEEP + surplus),
        )
    conn.close()
    return db


def with_a_writer(db: Path, prune: Callable[[], None]) -> tuple[float, float]:
    """(seconds ``prune`` took, longest wait of the other writer meanwhile)."""
    worst = 0.0
    stop = threading.Event()

    def other() -> None:
        nonlocal worst
        conn = sqlite3.connect(db, timeout=30, isolation_level=None)
        while not stop.is_set():
            started = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("COMMIT")
            worst = max(worst, time.perf_counter() - started)
            time.sleep(0.001)
        conn.close()

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0.05)
    started = time.perf_counter()
    prune()
    took = time.perf_counter() - started
    stop.set()
    thread.join()
    return took, worst


def main() -> None:
    configure_logging("json", "warning")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surplus", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = prepared(Path(tmp), args.surplus)
        conn = sqlite3.connect(db, timeout=30, isolation_level=None)

        def one_statement() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM runs WHERE check_name = 'c' AND id <= (SELECT id FROM runs"
                         " WHERE check_name = 'c' ORDER BY id DESC LIMIT 1 OFFSET ?)", (KEEP,))
            conn.execute("COMMIT")

        base_took, base_wait = with_a_writer(db, one_statement)
        conn.close()
    with tempfile.TemporaryDirectory() as tmp:
        db = prepared(Path(tmp), args.surplus)
        store = HistoryStore(db, max_runs_per_check=KEEP)
        took, wait = with_a_writer(db, lambda: store.record(CheckResult(check_name="c", status="success", message="x")))
        assert store.count() == KEEP, store.count()
        store.close()
    print(f"surplus {args.surplus:,} runs over {KEEP}")
    print(f"  one statement : prune {base_took * 1e3:7.1f} ms, another writer waited at most {base_wait * 1e3:6.1f} ms")
    print(f"  batches       : prune {took * 1e3:7.1f} ms, another writer waited at most {wait * 1e3:6.1f} ms")
    print(f"  ratio (batches / one statement): writer's longest wait {wait / base_wait:.2f}x,"
          f" prune time {took / base_took:.2f}x")


if __name__ == "__main__":
    main()
