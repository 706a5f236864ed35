"""Benchmark of the run history: recording, metrics, and the daemon's memory.

    python bench/bench_history.py [--runs 100000]

1. Record: time to store one run as the database grows to ``--runs`` rows
   (10 checks), against a bare sqlite3 INSERT of the same row into a table
   with the same pragmas, measured in the same run.
2. Metrics: time to compute every check's metrics over those rows, against a
   bare ``SELECT`` of every duration (the least any metric needs to read).
3. Open: the cost of opening that database, whose ``PRAGMA quick_check``
   (damage detection) is bounded by ``OPEN_CHECK_SECONDS``: warm, and cold
   (the file dropped from the page cache), against an unbounded quick_check.
4. Memory: the daemon's resident memory before, during and after ``--runs``
   runs of a no-op check (history on): it must stay flat.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import anyio

from autocode_core import AutocodeDaemon, CheckPlugin, CheckResult
from autocode_core.cli.logs import configure_logging
from autocode_core.daemon.memory import memory_mb
from autocode_core.models import utc_now
from autocode_core.store.history import HistoryStore
from autocode_core.store.metrics import percentile
from autocode_core.store.sqlite_file import OPEN_CHECK_SECONDS


def record(runs: int, folder: Path) -> HistoryStore:
    store = HistoryStore(folder / "history.db", max_runs_per_check=runs)
    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = NORMAL")
    bare.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, check_name TEXT, status TEXT, message TEXT,"
                 " details TEXT, started_at REAL, duration REAL, plugin TEXT, plugin_version TEXT, trigger TEXT)")
    ours, base = [], []
    for i in range(runs):
        result = CheckResult(check_name=f"check_{i % 10}", status="success" if i % 7 else "error",
                             message="m", details={"i": i}, timestamp=utc_now(), duration_seconds=i % 100 / 10)
        start = time.perf_counter()
        store.record(result, plugin="p", plugin_version="1", trigger="schedule")
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.execute("INSERT INTO runs (check_name, status, message, details, started_at, duration, plugin,"
                     " plugin_version, trigger) VALUES (?,?,?,?,?,?,?,?,?)",
                     (result.check_name, result.status, "m", '{"i": 1}', time.time(), 0.1, "p", "1", "s"))
        base.append(time.perf_counter() - start)
    bare.close()
    print(f"record one run ({runs} runs into one database, 10 checks)")
    for label, values in (("bare sqlite INSERT", base), ("HistoryStore.record", ours)):
        print(f"  {label:20}: mean {sum(values) / len(values) * 1e6:7.1f} us   "
              f"p99 {percentile(values, 0.99) * 1e6:7.1f} us   last 1000 mean "
              f"{sum(values[-1000:]) / 1000 * 1e6:7.1f} us")
    print(f"  ratio mean: {sum(ours) / sum(base):.1f}x")
    return store


def metrics(store: HistoryStore) -> None:
    start = time.perf_counter()
    computed = store.metrics()
    ours = time.perf_counter() - start
    start = time.perf_counter()
    store._query("SELECT duration FROM runs")
    base = time.perf_counter() - start
    rows = sum(m["execution_count"] for m in computed.values())
    print(f"metrics over {rows} stored runs ({len(computed)} checks)")
    print(f"  bare SELECT of every duration: {base * 1e3:7.1f} ms")
    print(f"  HistoryStore.metrics        : {ours * 1e3:7.1f} ms   ratio {ours / base:.1f}x")


def _drop_from_page_cache(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def open_cost(path: Path) -> None:
    size_mb = path.stat().st_size / 1e6
    print(f"open the history ({size_mb:.1f} MB): quick_check bounded to {OPEN_CHECK_SECONDS * 1e3:.0f} ms")
    for label, prepare in (("warm", lambda: None), ("cold", lambda: _drop_from_page_cache(path))):
        prepare()
        conn = sqlite3.connect(path)
        start = time.perf_counter()
        conn.execute("PRAGMA quick_check").fetchall()
        full = time.perf_counter() - start
        conn.close()
        prepare()
        start = time.perf_counter()
        HistoryStore(path).close()
        opened = time.perf_counter() - start
        stopped = opened >= OPEN_CHECK_SECONDS  # the check ran out of its budget (logged at info)
        print(f"  {label}: unbounded quick_check {full * 1e3:7.1f} ms   HistoryStore() {opened * 1e3:7.1f} ms"
              f"   check {'stopped at the budget' if stopped else 'complete'}")


class Noop(CheckPlugin):
    name = "noop_check"

    async def execute(self, context):
        return CheckResult(status="success", message="noop")


def memory(runs: int, folder: Path) -> None:
    daemon = AutocodeDaemon(folder, {"history": {"max_runs_per_check": 1000}}, plugins=[Noop],
                            load_entry_points=False, environ={})
    samples: list[tuple[int, float]] = []

    async def main() -> None:
        for i in range(runs + 1):
            if i % (runs // 10) == 0:
                gc.collect()
                samples.append((i, memory_mb() or 0.0))
            if i < runs:
                await daemon.run_check("noop_check")

    start = time.perf_counter()
    anyio.run(main)
    elapsed = time.perf_counter() - start
    print(f"daemon memory over {runs} runs of a no-op check ({elapsed:.0f}s, {elapsed / runs * 1e6:.0f} us/run)")
    print("  " + "  ".join(f"{i // 1000}k:{mb:.1f}MB" for i, mb in samples))
    growth = samples[-1][1] - samples[1][1]
    print(f"  growth from 10% to 100% of the runs: {growth:+.1f} MB; stored rows kept: {daemon.history.count()}")


def main() -> None:
    configure_logging("json", "warning")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = record(args.runs, Path(tmp))
        metrics(store)
        store.close()
        open_cost(Path(tmp) / "history.db")
    with tempfile.TemporaryDirectory() as tmp:
        memory(args.runs, Path(tmp))


if __name__ == "__main__":
    main()
