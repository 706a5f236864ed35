"""Run history in an embedded SQLite database (``<state>/history.db``).

Every check run is one row, committed on its own, so a crash or ``kill -9``
loses at most the run in progress. WAL mode and a busy timeout let the CLI and
a running daemon read and write at the same time. Retention is bounded (runs
per check and age). A database written by an older version is migrated in
place; one that cannot be read is moved aside with a warning, never silently
reset.
"""

from __future__ import annotations

import copy
import itertools
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, Field

from autocode_core.errors import AutocodeError
from autocode_core.models import CheckResult, CheckStatus, Finding, utc_now
from autocode_core.store.metrics import percentile

__all__ = ["SCHEMA_VERSION", "HistorySchemaError", "HistoryStore", "RunRecord"]

log = structlog.get_logger("autocode.history")
SCHEMA_VERSION = 3
PRUNE_EVERY = 200

# version -> statements that bring a database from version-1 to version
MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            check_name TEXT NOT NULL,
            status TEXT NOT NULL,
            message TEXT NOT NULL,
            details TEXT NOT NULL,
            started_at REAL NOT NULL,
            duration REAL,
            plugin TEXT
        )""",
        "CREATE INDEX runs_by_check ON runs (check_name, id)",
    ],
    2: [
        "ALTER TABLE runs ADD COLUMN plugin_version TEXT",
        "ALTER TABLE runs ADD COLUMN trigger TEXT NOT NULL DEFAULT 'schedule'",
        "CREATE INDEX runs_by_time ON runs (started_at)",
    ],
    3: ["ALTER TABLE runs ADD COLUMN findings TEXT"],  # JSON list of Finding; NULL before v3
}


class HistorySchemaError(AutocodeError):
    """The database was written by a newer autocode; it is left untouched."""


class RunRecord(BaseModel):
    """One stored check run."""

    id: int
    check_name: str
    status: CheckStatus
    message: str
    details: dict[str, Any]
    findings: list[Finding] = Field(default_factory=list)
    timestamp: datetime
    duration_seconds: float | None
    plugin: str | None
    plugin_version: str | None
    trigger: str

    def to_result(self) -> CheckResult:
        """The ``CheckResult`` this run produced."""
        return CheckResult(
            check_name=self.check_name,
            status=self.status,
            message=self.message,
            details=self.details,
            findings=self.findings,
            timestamp=self.timestamp,
            duration_seconds=self.duration_seconds,
        )


_COLUMNS = (
    "id, check_name, status, message, details, started_at, duration, plugin, plugin_version, trigger, findings"
)


def _record(row: tuple[Any, ...]) -> RunRecord:
    return RunRecord(
        id=row[0],
        check_name=row[1],
        status=row[2],
        message=row[3],
        details=json.loads(row[4]),
        timestamp=datetime.fromtimestamp(row[5], UTC),
        duration_seconds=row[6],
        plugin=row[7],
        plugin_version=row[8],
        trigger=row[9],
        findings=[Finding.model_validate(f) for f in json.loads(row[10] or "[]")],
    )


class HistoryStore:
    """The run history of one project; thread-safe, one connection per store.

    :param path: the database file (created with its folder if missing).
    :param max_runs_per_check: older runs of a check beyond this are deleted.
    :param max_age_days: runs older than this are deleted.
    """

    def __init__(self, path: Path, max_runs_per_check: int = 1000, max_age_days: float = 90) -> None:
        self.path = path
        self.max_runs_per_check = max_runs_per_check
        self.max_age_days = max_age_days
        self.recovered_from: Path | None = None
        self._lock = threading.Lock()
        self._inserts = 0
        self._counts: dict[str, int] = {}  # rows per check, as far as this process knows
        self._metrics_cache: tuple[tuple[int, int], dict[str, dict[str, Any]]] | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = self._open()
        except sqlite3.OperationalError:
            raise  # locked or unreachable: not a reason to touch the file
        except sqlite3.DatabaseError as exc:  # not a database, malformed: keep it, start afresh
            self.recovered_from = self._move_aside(exc)
            self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(conn)
            conn.execute("SELECT COUNT(*) FROM runs").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistorySchemaError(
                f"{self.path}: history schema {version} is newer than this autocode understands "
                f"({SCHEMA_VERSION}); upgrade autocode or set history.enabled = false"
            )
        if version == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if version:
            log.info("history_migrated", path=str(self.path), from_version=version, to_version=SCHEMA_VERSION)

    def _move_aside(self, exc: Exception) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                source.rename(Path(str(target) + suffix))
        log.warning("history_unreadable_moved_aside", path=str(self.path), moved_to=str(target), error=str(exc))
        return target

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def record(
        self,
        result: CheckResult,
        *,
        plugin: str | None = None,
        plugin_version: str | None = None,
        trigger: str = "schedule",
    ) -> int:
        """Store one run (committed before returning) and apply retention; returns its id."""
        started = (result.timestamp or utc_now()).timestamp()
        details = json.dumps(result.details, default=str, ensure_ascii=False)
        findings = json.dumps([f.model_dump(mode="json") for f in result.findings], ensure_ascii=False)
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (check_name, status, message, details, started_at, duration, plugin,"
                " plugin_version, trigger, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (result.check_name, result.status, result.message, details, started,
                 result.duration_seconds, plugin, plugin_version, trigger, findings),
            )
            name = result.check_name
            count = self._counts.get(name)
            if count is None:
                count = conn.execute("SELECT COUNT(*) FROM runs WHERE check_name = ?", (name,)).fetchone()[0]
            else:
                count += 1
            self._inserts += 1
            # other processes may insert too: the periodic pass catches what the estimate misses
            if count > self.max_runs_per_check or self._inserts % PRUNE_EVERY == 1:
                conn.execute(
                    "DELETE FROM runs WHERE check_name = ? AND id <= (SELECT id FROM runs WHERE check_name = ?"
                    " ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    (name, name, self.max_runs_per_check),
                )
                count = min(count, self.max_runs_per_check)
            self._counts[name] = count
            if self._inserts % PRUNE_EVERY == 1:
                cutoff = (utc_now() - timedelta(days=self.max_age_days)).timestamp()
                conn.execute("DELETE FROM runs WHERE started_at < ?", (cutoff,))
            return int(cursor.lastrowid or 0)

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def list_runs(self, check_name: str | None = None, limit: int = 50) -> list[RunRecord]:
        """Stored runs, newest first, of one check or of all."""
        if check_name is None:
            rows = self._query(f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._query(
                f"SELECT {_COLUMNS} FROM runs WHERE check_name = ? ORDER BY id DESC LIMIT ?", (check_name, limit)
            )
        return [_record(r) for r in rows]

    def latest(self) -> dict[str, RunRecord]:
        """The newest run of every check, by check name."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY check_name)"
            " ORDER BY check_name"
        )
        return {r[1]: _record(r) for r in rows}

    def count(self) -> int:
        """How many runs are stored."""
        return int(self._query("SELECT COUNT(*) FROM runs")[0][0])

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
        key = (self._query("PRAGMA data_version")[0][0], self._inserts)
        if self._metrics_cache is not None and self._metrics_cache[0] == key:
            return copy.deepcopy(self._metrics_cache[1])
        out = self._compute_metrics()
        self._metrics_cache = (key, out)
        return copy.deepcopy(out)

    def _compute_metrics(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for name, status, count, total in self._query(
            "SELECT check_name, status, COUNT(*), SUM(COALESCE(duration, 0)) FROM runs GROUP BY check_name, status"
        ):
            entry = out.setdefault(name, {"execution_count": 0, "status_counts": {"success": 0, "warning": 0, "error": 0}, "_total": 0.0})
            entry["execution_count"] += count
            entry["status_counts"][status] = count
            entry["_total"] += total or 0.0
        for name, entry in out.items():
            durations = [r[0] for r in self._query(
                "SELECT duration FROM runs WHERE check_name = ? AND duration IS NOT NULL", (name,))]
            last = self._query("SELECT MAX(started_at) FROM runs WHERE check_name = ?", (name,))[0][0]
            ok = self._query(
                "SELECT MAX(started_at) FROM runs WHERE check_name = ? AND status = 'success'", (name,))[0][0]
            total = entry.pop("_total")
            entry["average_duration_seconds"] = total / entry["execution_count"]
            entry["p95_duration_seconds"] = percentile(durations, 0.95)
            entry["last_execution"] = _iso(last)
            entry["last_success"] = _iso(ok)
            entry["consecutive_errors"] = self.consecutive_errors(name)
        return out


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat()
