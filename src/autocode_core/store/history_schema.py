"""The history database's schema, its migrations, and one stored run.

One schema, one numbered list of migrations, two dialects: ``MIGRATIONS``
(SQLite, the embedded default) and ``POSTGRES_MIGRATIONS`` (PostgreSQL, a
shared history) bring a database to the same ``SCHEMA_VERSION`` with the same
tables, columns and indexes; only the SQL types differ. A test compares the
two (``tests/store/test_history_schema.py``).

SQLite keeps the version in ``user_version``; PostgreSQL in the one-row table
``autocode_schema`` (``history_postgres``). A database of an older version is
migrated in place, in one transaction (another process may migrate it first:
the version is read again inside the transaction). A database of a newer
version is left untouched: ``HistorySchemaError``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, Field

from autocode_core.errors import AutocodeError
from autocode_core.models import CheckResult, CheckStatus, Finding

__all__ = [
    "COLUMNS",
    "INSERT_COLUMNS",
    "MIGRATIONS",
    "POSTGRES_MIGRATIONS",
    "SCHEMA_VERSION",
    "HistorySchemaError",
    "RunRecord",
    "migrate",
    "run_record",
    "verify_schema",
]

log = structlog.get_logger("autocode.history")
SCHEMA_VERSION = 4

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
    4: [  # many projects in one database; a run recorded once whoever delivers it twice
        "ALTER TABLE runs ADD COLUMN project TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE runs ADD COLUMN run_id TEXT",
        "CREATE UNIQUE INDEX runs_by_run_id ON runs (run_id) WHERE run_id IS NOT NULL",
        "CREATE INDEX runs_by_project ON runs (project, check_name, id)",
        "CREATE INDEX runs_by_duration ON runs (check_name, duration)",  # p95 without a sort
    ],
}

# the same versions for PostgreSQL (BIGSERIAL for AUTOINCREMENT, DOUBLE PRECISION for REAL)
POSTGRES_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE runs (
            id BIGSERIAL PRIMARY KEY,
            check_name TEXT NOT NULL,
            status TEXT NOT NULL,
            message TEXT NOT NULL,
            details TEXT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL,
            duration DOUBLE PRECISION,
            plugin TEXT
        )""",
        "CREATE INDEX runs_by_check ON runs (check_name, id)",
    ],
    2: MIGRATIONS[2],
    3: MIGRATIONS[3],
    4: [  # the same, but one table holds many projects: p95 is read per project
        *MIGRATIONS[4][:-1],
        "CREATE INDEX runs_by_duration ON runs (project, check_name, duration)",
    ],
}

COLUMNS = (
    "id, check_name, status, message, details, started_at, duration, plugin, plugin_version, trigger, findings,"
    " project, run_id"
)

INSERT_COLUMNS = (
    "check_name, status, message, details, started_at, duration, plugin, plugin_version, trigger, findings,"
    " project, run_id"
)


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
    project: str = ""
    run_id: str | None = None

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


def run_record(row: tuple[Any, ...]) -> RunRecord:
    """A ``RunRecord`` from a row of ``SELECT {COLUMNS}``."""
    return RunRecord(
        id=row[0],
        check_name=row[1],
        status=row[2],
        message=row[3],
        details=json.loads(row[4]),
        findings=[Finding.model_validate(f) for f in json.loads(row[10] or "[]")],
        timestamp=datetime.fromtimestamp(row[5], UTC),
        duration_seconds=row[6],
        plugin=row[7],
        plugin_version=row[8],
        trigger=row[9],
        project=row[11],
        run_id=row[12],
    )


#: what a reader puts in place of the columns each version added (see ``verify_schema``)
_ADDED_COLUMNS: dict[int, list[tuple[str, str]]] = {
    2: [("plugin_version", "NULL"), ("trigger", "'schedule'")],
    3: [("findings", "NULL")],
    4: [("project", "''"), ("run_id", "NULL")],
}


def verify_schema(conn: sqlite3.Connection, path: Path) -> None:
    """For a reader that must not write: the database can be read as ``SCHEMA_VERSION``.

    A database of an older version (written before an upgrade of autocode, and
    not yet migrated by a run) is read as it is: a temporary view ``runs``
    (in the connection's own temp schema, nothing written to the file) adds
    the columns later versions added, with their defaults.

    :raises HistorySchemaError: it is newer, or it holds no history table.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION or version < 1:
        newer = version > SCHEMA_VERSION
        raise HistorySchemaError(
            f"{path}: history schema {version} is "
            + ("newer than this autocode understands" if newer else "not a history this autocode can read")
            + f" ({SCHEMA_VERSION})"
        )
    added = [
        f"{default} AS {name}"
        for later in range(version + 1, SCHEMA_VERSION + 1)
        for name, default in _ADDED_COLUMNS[later]
    ]
    conn.execute(f"CREATE TEMP VIEW IF NOT EXISTS runs AS SELECT *, {', '.join(added)} FROM main.runs")
    log.info("history_read_as_older_schema", path=str(path), version=version, current=SCHEMA_VERSION)


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database on ``conn`` to ``SCHEMA_VERSION``.

    :raises HistorySchemaError: it is newer than this autocode understands.
    :raises sqlite3.Error: it cannot be read or written.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistorySchemaError(
            f"{path}: history schema {version} is newer than this autocode understands "
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
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if version:
        log.info("history_migrated", path=str(path), from_version=version, to_version=SCHEMA_VERSION)
