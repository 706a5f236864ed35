"""Run history shared by many daemons and workers, in PostgreSQL (``history.url``).

The same schema and migrations as the SQLite history (``history_schema``), the
same reads (``history_queries``), one table for every project: each row names
its project. Needs the ``postgres`` extra (psycopg 3).

* **Many writers**: each run is one autocommitted ``INSERT`` (ids from a
  sequence, no table lock); a ``run_id`` already stored is skipped
  (``ON CONFLICT DO NOTHING``), so a task delivered twice is recorded once.
  Migrations take an advisory lock, so daemons starting together migrate once.
* **Retention** deletes in batches of ``PRUNE_BATCH`` rows, one short
  transaction each, never a long lock on the table.
* **An outage** never stops the checks: a run that cannot be written waits in
  memory (``outage_queue`` runs at most, oldest dropped first past that, each
  drop counted and logged) and is written, in order, as soon as the database
  answers again: before the next run or read, or by the store's own retry
  thread (``RetryTimer``, every ``RETRY_SECONDS`` while runs wait), so an idle
  daemon writes them too (``flush`` does it on demand). Meanwhile ``health``
  names the problem, so readiness says ``degraded``; reads answer nothing. A
  reconnection is tried at most every ``RETRY_SECONDS``. When the daemon stops,
  ``final_flush`` tries once more, for a bounded time, and logs how many runs
  are lost (``history_runs_lost``) if the database is still away.
"""

from __future__ import annotations

import collections
import itertools
import json
import threading
import time
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import structlog

from autocode_core.config.display import masked_url
from autocode_core.errors import AutocodeError
from autocode_core.models import CheckResult, utc_now
from autocode_core.store import history_queries
from autocode_core.store.history_health import HistoryHealth
from autocode_core.store.history_schema import (
    COLUMNS,
    INSERT_COLUMNS,
    POSTGRES_MIGRATIONS,
    SCHEMA_VERSION,
    HistorySchemaError,
    RunRecord,
    run_record,
)
from autocode_core.store.retry_timer import RetryTimer

__all__ = ["PRUNE_BATCH", "PostgresHistory", "masked_url"]

log = structlog.get_logger("autocode.history")
T = TypeVar("T")
PRUNE_BATCH = 1000
PRUNE_EVERY = 200
RETRY_SECONDS = 2.0
MIGRATION_LOCK = 7_170_417  # pg_advisory_xact_lock key: one migration at a time


def _close_all(held: list[Any]) -> None:
    while held:
        held.pop().close()


class PostgresHistory:
    """The ``HistoryStore`` interface on PostgreSQL, for one project; thread-safe.

    :param url: ``postgresql://user:password@host:port/database``.
    :param project: the project name stored on, and selecting, every run.
    :param outage_queue: runs kept in memory while the database is unreachable.
    :param read_only: never migrate (``autocode status``).
    :raises HistorySchemaError: the database's schema is newer than this autocode.
    :raises AutocodeError: psycopg is not installed.
    """

    def __init__(
        self,
        url: str,
        max_runs_per_check: int = 1000,
        max_age_days: float = 90,
        *,
        project: str,
        outage_queue: int = 10_000,
        read_only: bool = False,
        connect_timeout: float = 3.0,
    ) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise AutocodeError(
                "history.url is a PostgreSQL URL but psycopg is not installed: "
                "pip install 'autocode-core[postgres]'"
            ) from exc
        self._psycopg = psycopg
        self.url = url
        self.path = masked_url(url)
        self.project = project
        self.max_runs_per_check = max_runs_per_check
        self.max_age_days = max_age_days
        self.read_only = read_only
        self.connect_timeout = connect_timeout
        self.recovered_from = None
        self.pending: collections.deque[tuple[Any, ...]] = collections.deque(maxlen=max(outage_queue, 1))
        self._queue_limit = outage_queue
        self.dropped = 0
        self._lock = threading.RLock()
        self._held: list[Any] = []  # the open connection, closed by close() or when the store is collected
        weakref.finalize(self, _close_all, self._held)
        self._problem: str | None = None
        self._error = ""
        self._since: datetime | None = None
        self._next_try = 0.0
        self._inserts = 0
        self._counts: dict[str, int] = {}
        self._retry = RetryTimer(self.flush, lambda: RETRY_SECONDS, "autocode-history-retry")
        self._use(lambda conn: None)  # connect and migrate now: a wrong schema is known at start

    # -- health and connection -------------------------------------------------------
    @property
    def health(self) -> HistoryHealth:
        """``ok`` unless the database is unreachable (then ``kind`` is ``unreachable``)."""
        return HistoryHealth(path=self.path, problem=self._problem,
                             kind="unreachable" if self._problem else None, since=self._since)

    def close(self) -> None:
        """Close the connection (idempotent); queued runs are lost (logged)."""
        self._retry.stop()
        with self._lock:
            if self.pending:
                log.warning("history_queue_discarded", url=self.path, runs=len(self.pending))
            _close_all(self._held)

    def _connect(self) -> Any:
        conn = self._psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, int(self.connect_timeout)))
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                found = conn.execute("SELECT to_regclass('autocode_schema') IS NOT NULL").fetchone()
                exists = bool(found and found[0])
                if not exists and not self.read_only:  # a reader creates nothing
                    conn.execute("CREATE TABLE autocode_schema (version INTEGER NOT NULL)")
                row = conn.execute("SELECT version FROM autocode_schema").fetchone() if exists else None
                version = row[0] if row else 0
                if version > SCHEMA_VERSION or (self.read_only and version != SCHEMA_VERSION):
                    raise HistorySchemaError(
                        f"{self.path}: history schema {version} is not the one this autocode "
                        f"uses ({SCHEMA_VERSION}); upgrade autocode, or let a daemon migrate it"
                    )
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in POSTGRES_MIGRATIONS[target]:
                        conn.execute(statement)
                if row is None:
                    conn.execute("INSERT INTO autocode_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
                elif version != SCHEMA_VERSION:
                    conn.execute("UPDATE autocode_schema SET version = %s", (SCHEMA_VERSION,))
                    log.info("history_migrated", url=self.path, from_version=version, to_version=SCHEMA_VERSION)
        except BaseException:
            conn.close()
            raise
        return conn

    def _use(self, work: Callable[[Any], T], deadline: float | None = None) -> T | None:
        """``work(connection)``, first writing the queued runs (those it can before the
        ``time.monotonic()`` ``deadline``); ``None`` while unreachable."""
        with self._lock:
            if not self._held:
                if time.monotonic() < self._next_try:
                    return None
                try:
                    self._held.append(self._connect())
                except self._psycopg.OperationalError as exc:
                    self._failed(exc)
                    return None
            conn = self._held[0]
            try:
                self._flush_pending(conn, deadline)
                answer = work(conn)
            except (self._psycopg.OperationalError, self._psycopg.InterfaceError) as exc:
                _close_all(self._held)
                self._failed(exc)
                return None
            if self._problem is not None:
                log.info("history_reachable_again", url=self.path)
                self._problem = self._since = None
            return answer

    def _failed(self, exc: Exception) -> None:
        self._next_try = time.monotonic() + RETRY_SECONDS
        if self._problem is None:
            self._since = utc_now()
            log.error("history_unreachable", url=self.path, error=str(exc).strip())
        lines = str(exc).strip().splitlines()
        self._error = lines[0] if lines else type(exc).__name__
        self._describe()

    def _describe(self) -> None:
        self._problem = (
            f"database unreachable: {self.path} ({self._error}); {len(self.pending)} run(s) waiting"
            f" in memory (at most {self._queue_limit}, oldest dropped first), {self.dropped} dropped"
        )

    def flush(self) -> bool:
        """Write the runs waiting in memory now; true when none is left."""
        self._use(lambda conn: None)
        return not self.pending

    def final_flush(self, timeout: float) -> int:
        """The last try before the process ends (the daemon stops): write the waiting runs,
        taking at most ``timeout`` seconds past the connection (bounded by its
        ``connect_timeout``); logs and returns how many are still waiting (lost if the
        process ends). The retry thread goes on (the daemon may start again)."""
        with self._lock:
            if not self.pending:
                return 0
            waiting = len(self.pending)
            self._next_try = 0.0  # no waiting for the retry interval: this is the last chance
            self._use(lambda conn: None, deadline=time.monotonic() + timeout)
            if self.pending:
                log.error("history_runs_lost", url=self.path, runs=len(self.pending), dropped=self.dropped,
                          problem=self._problem)
            else:
                log.info("history_queue_flushed", url=self.path, runs=waiting)
            return len(self.pending)

    def _flush_pending(self, conn: Any, deadline: float | None = None) -> None:
        while self.pending and (deadline is None or time.monotonic() < deadline):
            self._insert(conn, self.pending[0])
            self.pending.popleft()

    # -- writing -----------------------------------------------------------------------
    def record(
        self,
        result: CheckResult,
        *,
        plugin: str | None = None,
        plugin_version: str | None = None,
        trigger: str = "schedule",
        run_id: str | None = None,
    ) -> int:
        """Store one run (or queue it while the database is unreachable); returns its id
        (0 when queued or already recorded). Never raises for an outage."""
        started = (result.timestamp or utc_now()).timestamp()
        row = (
            result.check_name, result.status, result.message,
            json.dumps(result.details, default=str, ensure_ascii=False), started, result.duration_seconds,
            plugin, plugin_version, trigger,
            json.dumps([f.model_dump(mode="json") for f in result.findings], ensure_ascii=False),
            self.project, run_id,
        )
        with self._lock:
            row_id = self._use(lambda conn: self._insert(conn, row))
            if row_id is None:
                if self._queue_limit == 0 or len(self.pending) == self.pending.maxlen:
                    self.dropped += 1
                    log.warning("history_run_dropped", check=result.check_name, dropped=self.dropped)
                if self._queue_limit:
                    self.pending.append(row)
                    self._retry.ensure_running()
                self._describe()
                return 0
            self._inserts += 1
            if self._inserts % PRUNE_EVERY == 1 or self._counts.get(result.check_name, 0) > self.max_runs_per_check:
                self._use(lambda conn: self._prune(conn, result.check_name, everything=self._inserts % PRUNE_EVERY == 1))
            return row_id

    def _insert(self, conn: Any, row: tuple[Any, ...]) -> int:
        found = conn.execute(
            f"INSERT INTO runs ({INSERT_COLUMNS}) VALUES ({', '.join(['%s'] * 12)})"
            " ON CONFLICT (run_id) WHERE run_id IS NOT NULL DO NOTHING RETURNING id",
            row,
        ).fetchone()
        name = row[0]
        if found is not None and name in self._counts:
            self._counts[name] += 1
        elif found is not None:
            self._counts[name] = conn.execute(
                "SELECT COUNT(*) FROM runs WHERE project = %s AND check_name = %s", (self.project, name)
            ).fetchone()[0]
        return int(found[0]) if found else 0

    def _prune(self, conn: Any, name: str, *, everything: bool) -> None:
        """Retention, ``PRUNE_BATCH`` rows per statement (each its own transaction)."""
        names = [name]
        if everything:
            names = [r[0] for r in conn.execute(
                "SELECT DISTINCT check_name FROM runs WHERE project = %s", (self.project,)).fetchall()]
        for check in names:
            while conn.execute(
                "DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE project = %s AND check_name = %s"
                " ORDER BY id DESC OFFSET %s LIMIT %s)",
                (self.project, check, self.max_runs_per_check, PRUNE_BATCH),
            ).rowcount == PRUNE_BATCH:
                pass
            self._counts.pop(check, None)
        if everything:
            cutoff = time.time() - self.max_age_days * 86400
            while conn.execute(
                "DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE project = %s AND started_at < %s LIMIT %s)",
                (self.project, cutoff, PRUNE_BATCH),
            ).rowcount == PRUNE_BATCH:
                pass

    # -- reading -------------------------------------------------------------------------
    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read (``?`` placeholders); none while unreachable."""
        rows = self._use(lambda conn: conn.execute(sql.replace("?", "%s"), args).fetchall())
        return list(rows or [])

    def list_runs(self, check_name: str | None = None, limit: int = 50) -> list[RunRecord]:
        """This project's runs, newest first, of one check or of all."""
        if check_name is None:
            rows = self._query(f"SELECT {COLUMNS} FROM runs WHERE project = ? ORDER BY id DESC LIMIT ?",
                               (self.project, limit))
        else:
            rows = self._query(f"SELECT {COLUMNS} FROM runs WHERE project = ? AND check_name = ?"
                               " ORDER BY id DESC LIMIT ?", (self.project, check_name, limit))
        return [run_record(r) for r in rows]

    def latest(self) -> dict[str, RunRecord]:
        """The newest run of each of this project's checks."""
        rows = self._query(
            f"SELECT {COLUMNS} FROM runs WHERE id IN (SELECT MAX(id) FROM runs WHERE project = ?"
            " GROUP BY check_name) ORDER BY check_name", (self.project,))
        return {r[1]: run_record(r) for r in rows}

    def count(self) -> int:
        """How many runs of this project are stored."""
        rows = self._query("SELECT COUNT(*) FROM runs WHERE project = ?", (self.project,))
        return int(rows[0][0]) if rows else 0

    def consecutive_errors(self, check_name: str, *, skip_latest: bool = False) -> int:
        """How many of the check's newest runs in a row are errors (``skip_latest``: before its latest)."""
        streak = 0
        for offset in itertools.count(0, 256):
            rows = self._query("SELECT status FROM runs WHERE project = ? AND check_name = ?"
                               " ORDER BY id DESC LIMIT 256 OFFSET ?", (self.project, check_name, offset))
            statuses = [r[0] for r in rows][1 if skip_latest and offset == 0 else 0 :]
            run = len(list(itertools.takewhile(lambda status: status == "error", statuses)))
            streak += run
            if run < len(statuses) or len(rows) < 256:
                return streak
        return streak  # pragma: no cover

    def metrics(self) -> dict[str, dict[str, Any]]:
        """This project's figures per check, computed by PostgreSQL (``history_queries.metrics``)."""
        return history_queries.metrics(self._query, ("project = ?", (self.project,)))

    def projects(self) -> dict[str, dict[str, Any]]:
        """Every project in the database with its checks' latest verdicts."""
        return history_queries.projects(self._query)
