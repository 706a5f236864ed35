"""Run history in an embedded SQLite database (``<state>/history.db``).

Every check run is one row, committed on its own, so a crash or ``kill -9``
loses at most the run in progress. WAL mode and a busy timeout let the CLI and
a running daemon read and write at the same time. Retention is bounded (runs
per check and age) and deletes in batches of ``PRUNE_BATCH`` rows, each its
own short transaction (the rule of the PostgreSQL history), with a pause of
``PRUNE_PAUSE`` after each full one: a write that finds thousands of runs to
delete never holds the write lock for long, and other writers (whose busy
handler sleeps while they wait) get in between batches. A database written by an older version is migrated in
place (``history_schema``).

What can go wrong, and what the store does (``sqlite_file``; it never lets a
raw ``sqlite3.Error`` out, and keeps working when it can):

* **damage** (SQLITE_CORRUPT, "not a database"): found on open by a bounded
  ``PRAGMA quick_check`` or at any later read or write. The file and its
  ``-wal``/``-shm`` are moved aside (``history.db.unreadable-<time>``) with a
  warning and a fresh history starts; the write that found it is retried
  there, so its run is kept. Never silently reset, never deleted.
* **a full disk, a read-only folder, a lock held too long**: a write raises
  ``StorageError`` ("disk full: cannot write <path> (...)"), a read returns
  nothing; ``health`` reports it until a write succeeds again.
* **a newer schema**: ``HistorySchemaError`` on open, file untouched.

``health`` (a ``HistoryHealth``) is what readiness and status read.
"""

from __future__ import annotations

import copy
import itertools
import json
import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Any

import structlog

from autocode_core.errors import StorageError
from autocode_core.models import CheckResult, utc_now
from autocode_core.store import history_queries, sqlite_file
from autocode_core.store.history_health import HistoryHealth
from autocode_core.store.history_schema import (
    COLUMNS,
    INSERT_COLUMNS,
    MIGRATIONS,
    SCHEMA_VERSION,
    HistorySchemaError,
    RunRecord,
    migrate,
    run_record,
    verify_schema,
)

__all__ = ["MIGRATIONS", "PRUNE_BATCH", "SCHEMA_VERSION", "HistoryHealth", "HistorySchemaError", "HistoryStore", "RunRecord"]

log = structlog.get_logger("autocode.history")
PRUNE_EVERY = 200  # every this many writes, retention covers every check and age
PRUNE_BATCH = 1000  # rows deleted per statement and transaction
PRUNE_PAUSE = 0.005  # seconds between two full batches, so other writers get the lock
KEEP_NEWEST = (
    "DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE check_name = ? ORDER BY id DESC LIMIT ? OFFSET ?)"
)
TOO_OLD = "DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE started_at < ? LIMIT ?)"


class HistoryStore:
    """The run history of one project; thread-safe, one connection per store.

    :param path: the database file (created with its folder if missing).
    :param max_runs_per_check: older runs of a check beyond this are deleted.
    :param max_age_days: runs older than this are deleted.
    :param project: the project name stored on every run (``project_identity``).
    :param read_only: only read (``autocode status``, ``history``): nothing is
        created, migrated, checked or moved aside.
    :raises HistorySchemaError: the file was written by a newer autocode (or,
        read only, by another version).
    """

    def __init__(
        self,
        path: Path,
        max_runs_per_check: int = 1000,
        max_age_days: float = 90,
        *,
        project: str = "",
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.project = project
        self.max_runs_per_check = max_runs_per_check
        self.max_age_days = max_age_days
        self._inserts = 0
        self._counts: dict[str, int] = {}  # rows per check, as far as this process knows
        self._metrics_cache: tuple[tuple[int, int], dict[str, dict[str, Any]]] | None = None
        prepare = partial(verify_schema if read_only else migrate, path=path)
        self._file = sqlite_file.SqliteFile(path, prepare, self._forget, read_only=read_only)

    def _forget(self) -> None:
        """The file was moved aside: what this process knew about it is gone."""
        self._counts.clear()
        self._metrics_cache = None

    @property
    def health(self) -> HistoryHealth:
        """What readiness and status report: ``ok``, ``problem``, ``recovered_from`` (no I/O)."""
        return self._file.health

    @property
    def recovered_from(self) -> Path | None:
        """Where a damaged database was moved aside by this store, if it was."""
        return self._file.recovered_from

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._file.close()

    def final_flush(self, timeout: float) -> int:
        """Nothing ever waits in memory here (each run is committed by ``record``): 0."""
        return 0

    # -- writing and reading ----------------------------------------------------
    def record(
        self,
        result: CheckResult,
        *,
        plugin: str | None = None,
        plugin_version: str | None = None,
        trigger: str = "schedule",
        run_id: str | None = None,
    ) -> int:
        """Store one run (committed before returning) and apply retention; returns its id.

        A ``run_id`` already stored is not stored again (a task delivered twice):
        the answer is then 0.

        :raises StorageError: it could not be stored (disk full, read-only...);
            ``health`` says so until a later write succeeds.
        """
        started = (result.timestamp or utc_now()).timestamp()
        details = json.dumps(result.details, default=str, ensure_ascii=False)
        findings = json.dumps([f.model_dump(mode="json") for f in result.findings], ensure_ascii=False)
        name = result.check_name
        prune_all = (self._inserts + 1) % PRUNE_EVERY == 1

        def insert(conn: sqlite3.Connection) -> tuple[int, int, int]:
            cursor = conn.execute(
                f"INSERT INTO runs ({INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (run_id) WHERE run_id IS NOT NULL DO NOTHING",
                (name, result.status, result.message, details, started, result.duration_seconds,
                 plugin, plugin_version, trigger, findings, self.project, run_id),
            )
            if cursor.rowcount == 0:  # recorded already
                return 0, self._counts.get(name, 0), 0
            count = self._counts.get(name)
            if count is None:
                count = conn.execute("SELECT COUNT(*) FROM runs WHERE check_name = ?", (name,)).fetchone()[0]
            else:
                count += 1
            # other processes may insert too: the periodic pass catches what the estimate misses;
            # the first batch goes with the insert (usually the one run past the limit)
            deleted = 0
            if count > self.max_runs_per_check or prune_all:
                deleted = conn.execute(KEEP_NEWEST, (name, PRUNE_BATCH, self.max_runs_per_check)).rowcount
                count = max(count - deleted, 0)
            return int(cursor.lastrowid or 0), count, deleted

        row_id, count, deleted = self._file.transaction(insert)
        self._counts[name] = count
        self._inserts += 1
        if deleted == PRUNE_BATCH or prune_all:
            try:
                self._prune(name, first=deleted, everything=prune_all)
            except StorageError as exc:  # the run is stored: retention tries again on a later write
                log.warning("history_prune_failed", error=str(exc))
        return row_id

    def _prune(self, name: str, *, first: int, everything: bool) -> None:
        """Retention past the insert's first batch, ``PRUNE_BATCH`` rows per transaction:
        the rest of ``name``'s surplus, then (``everything``) every other check's and the
        runs older than ``max_age_days`` (in float seconds: no date overflow)."""
        deleted, batches = first, 1

        def until_done(sql: str, args: tuple[Any, ...]) -> int:
            nonlocal deleted, batches
            while True:
                rows: int = self._file.transaction(lambda conn: conn.execute(sql, args).rowcount)
                deleted, batches = deleted + rows, batches + 1
                if rows < PRUNE_BATCH:
                    return rows
                time.sleep(PRUNE_PAUSE)  # more to come: let waiting writers in (their busy handler sleeps)

        if first == PRUNE_BATCH:
            until_done(KEEP_NEWEST, (name, PRUNE_BATCH, self.max_runs_per_check))
            self._counts.pop(name, None)  # counted again on the next write
        if everything:
            others = self._file.use(
                lambda conn: [r[0] for r in conn.execute("SELECT DISTINCT check_name FROM runs")], write=False
            )
            for check in others:
                if check != name:
                    until_done(KEEP_NEWEST, (check, PRUNE_BATCH, self.max_runs_per_check))
                    self._counts.pop(check, None)
            until_done(TOO_OLD, (time.time() - self.max_age_days * 86400, PRUNE_BATCH))
            self._counts.clear()  # the age pass may have taken runs of any check
        if deleted:  # the periodic pass usually takes a run or two: worth a line only when big
            (log.info if deleted >= PRUNE_BATCH else log.debug)("history_pruned", deleted=deleted, batches=batches)

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read; none when the history cannot be read (``health`` says why)."""
        try:
            return self._file.use(lambda conn: conn.execute(sql, args).fetchall(), write=False)
        except StorageError:
            return []

    def list_runs(self, check_name: str | None = None, limit: int = 50) -> list[RunRecord]:
        """Stored runs, newest first, of one check or of all."""
        if check_name is None:
            rows = self._query(f"SELECT {COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._query(
                f"SELECT {COLUMNS} FROM runs WHERE check_name = ? ORDER BY id DESC LIMIT ?", (check_name, limit)
            )
        return [run_record(r) for r in rows]

    def latest(self) -> dict[str, RunRecord]:
        """The newest run of every check, by check name."""
        rows = self._query(
            f"SELECT {COLUMNS} FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY check_name)"
            " ORDER BY check_name"
        )
        return {r[1]: run_record(r) for r in rows}

    def _scalar(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        rows = self._query(sql, args)
        return rows[0][0] if rows else None

    def count(self) -> int:
        """How many runs are stored."""
        return int(self._scalar("SELECT COUNT(*) FROM runs") or 0)

    def consecutive_errors(self, check_name: str, *, skip_latest: bool = False) -> int:
        """How many of the check's newest runs in a row are errors (not counting
        its latest run, with ``skip_latest``)."""
        streak = 0
        for offset in itertools.count(0, 256):
            rows = self._query(
                "SELECT status FROM runs WHERE check_name = ? ORDER BY id DESC LIMIT 256 OFFSET ?",
                (check_name, offset),
            )
            statuses = [r[0] for r in rows][1 if skip_latest and offset == 0 else 0 :]
            run = len(list(itertools.takewhile(lambda status: status == "error", statuses)))
            streak += run
            if run < len(statuses) or len(rows) < 256:
                return streak
        return streak  # pragma: no cover

    def metrics(self) -> dict[str, dict[str, Any]]:
        """Per check: execution count, status distribution, average and p95 duration,
        last execution, last success, and the current streak of consecutive errors.

        Cached until this store or another connection (a CLI run) writes."""
        key = (self._scalar("PRAGMA data_version") or -1, self._inserts)
        if self._metrics_cache is not None and self._metrics_cache[0] == key:
            return copy.deepcopy(self._metrics_cache[1])
        out = self._compute_metrics()
        self._metrics_cache = (key, out)
        return copy.deepcopy(out)

    def _compute_metrics(self) -> dict[str, dict[str, Any]]:
        return history_queries.metrics(self._query, ("1 = 1", ()), group="check_name || ''")

    def projects(self) -> dict[str, dict[str, Any]]:
        """Every project recorded here with its checks' latest verdicts (``history_queries.projects``)."""
        return history_queries.projects(self._query)


