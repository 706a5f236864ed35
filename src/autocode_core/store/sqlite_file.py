"""One SQLite database file that survives damage and a full disk.

``SqliteFile`` holds one connection (WAL mode, busy timeout) and runs every
operation through ``use`` / ``transaction``, which decide what a failure means:

* **damage** (SQLITE_CORRUPT, "not a database"), found on open by
  ``PRAGMA quick_check`` (bounded to ``OPEN_CHECK_SECONDS``: a bigger file is
  checked as far as the budget goes) or by any later read or write: the file
  and its ``-wal``/``-shm`` are moved aside (``<name>.unreadable-<time>``) with
  a warning, a fresh database is opened and the operation runs again there.
  If another process already moved it, the new file is simply opened.
* **anything else** (disk full, read-only, locked too long): recorded as a
  ``StorageFailure`` and raised as ``StorageError``; a later successful write
  clears it. A connection that could not be opened is retried by the next call.

``health`` is the ``HistoryHealth`` snapshot of all this.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import structlog

from autocode_core.models import utc_now
from autocode_core.store.history_health import HistoryHealth
from autocode_core.store.storage_failure import StorageFailure, describe_failure, is_damage

__all__ = ["OPEN_CHECK_SECONDS", "SqliteFile"]

log = structlog.get_logger("autocode.history")
#: the most time ``PRAGMA quick_check`` may take when the database is opened
OPEN_CHECK_SECONDS = 0.25
T = TypeVar("T")


class SqliteFile:
    """A thread-safe connection to ``path`` that recovers from damage.

    :param prepare: run on every new connection (migrations); its
        ``AutocodeError`` (a newer schema) propagates untouched.
    :param on_reset: called after the file was moved aside (drop caches).
    :param read_only: open with ``mode=ro``: nothing is ever written, created,
        checked, migrated or moved aside (damage is only reported).
    """

    def __init__(
        self,
        path: Path,
        prepare: Callable[[sqlite3.Connection], None],
        on_reset: Callable[[], None] = lambda: None,
        *,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.recovered_from: Path | None = None
        self._prepare, self._on_reset = prepare, on_reset
        self._recovered_at: datetime | None = None
        self._failure: StorageFailure | None = None
        self._failure_since: datetime | None = None
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._inode: int | None = None
        self._closed = False
        with self._lock:
            self._connect()

    @property
    def health(self) -> HistoryHealth:
        """The state of the file (no I/O)."""
        failure = self._failure
        return HistoryHealth(
            path=self.path,
            problem=failure.message if failure else None,
            kind=failure.kind if failure else None,
            since=self._failure_since if failure else None,
            recovered_from=self.recovered_from,
            recovered_at=self._recovered_at,
        )

    def _connect(self) -> sqlite3.Connection | None:
        try:
            if not self.read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return self._open_retrying()
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc) or self.read_only:
                    raise
                self._move_aside(exc)
                return self._open()
        except (OSError, sqlite3.Error) as exc:
            self._fail(exc)
            return None

    def _open_retrying(self, attempts: int = 5) -> sqlite3.Connection:
        """``_open``, again after a moment when another process is creating the same file
        (its schema changes under us, or it holds the lock longer than the busy timeout)."""
        for attempt in range(attempts):
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                transient = "schema has changed" in str(exc) or "locked" in str(exc)
                if not transient or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self) -> sqlite3.Connection:
        if self.read_only:
            return self._open_read_only()
        conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._prepare(conn)
            self._quick_check(conn)
        except BaseException:
            conn.close()
            raise
        self._conn, self._inode = conn, os.stat(self.path).st_ino
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        uri = f"file:{urllib.parse.quote(str(self.path))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=10.0, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        self._conn, self._inode = conn, os.stat(self.path).st_ino
        return conn

    def _quick_check(self, conn: sqlite3.Connection) -> None:
        """``PRAGMA quick_check``, interrupted after ``OPEN_CHECK_SECONDS``.

        The check is mostly one long VM step, which a progress handler cannot
        stop: a timer calls ``interrupt()`` (the handler covers the budget 0).
        """
        budget = OPEN_CHECK_SECONDS
        deadline = time.monotonic() + budget
        conn.set_progress_handler(lambda: time.monotonic() >= deadline, 1)
        timer = threading.Timer(budget, conn.interrupt)
        timer.daemon = True
        timer.start()
        try:
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                raise
            log.info("history_check_incomplete", path=str(self.path), budget_seconds=budget)
            return
        finally:
            timer.cancel()
            timer.join()
            conn.set_progress_handler(None, 0)
        if rows != [("ok",)]:
            raise sqlite3.DatabaseError(f"database disk image is malformed: {str(rows[0][0])[:300]}")

    def _move_aside(self, exc: Exception) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._on_reset()
        try:
            replaced = self._inode is not None and os.stat(self.path).st_ino != self._inode
        except FileNotFoundError:
            replaced = True
        if replaced:  # another process moved the damaged file aside already
            log.info("history_replaced_by_another_process", path=str(self.path))
            return
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
        for n in itertools.count(2):
            if not target.exists():
                break
            target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}-{n}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                source.rename(Path(str(target) + suffix))
        self.recovered_from, self._recovered_at = target, utc_now()
        log.warning("history_unreadable_moved_aside", path=str(self.path), moved_to=str(target), error=str(exc))

    def _fail(self, exc: BaseException) -> StorageFailure:
        failure = describe_failure(self.path, exc)
        if self.read_only and is_damage(exc):  # a reader never moves the file: say who will
            failure = StorageFailure(
                failure.kind,
                f"{failure.message} (left as it is: the next `autocode check` or daemon moves it "
                "aside and starts a fresh history)",
                failure.path,
            )
        if self._failure is None or self._failure.message != failure.message:
            log.warning("history_unavailable", path=str(self.path), problem=failure.message)
            self._failure_since = utc_now()
        self._failure = failure
        return failure

    def use(self, op: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        """Run ``op`` on the connection (under the store's lock).

        :param write: a success clears a recorded failure.
        :raises StorageError: it could not run; ``health`` says why.
        """
        with self._lock:
            if self._closed:
                raise sqlite3.ProgrammingError(f"{self.path} was closed")
            for attempt in (1, 2):
                conn = self._conn or self._connect()
                if conn is None:
                    break
                try:
                    result = op(conn)
                except (OSError, sqlite3.Error) as exc:
                    if attempt == 1 and is_damage(exc) and not self.read_only:
                        self._move_aside(exc)
                        continue
                    self._fail(exc)
                    break
                if write:
                    self._failure = None
                return result
            assert self._failure is not None
            raise self._failure.error()

    def transaction(self, body: Callable[[sqlite3.Connection], T]) -> T:
        """``body`` in one ``BEGIN IMMEDIATE`` transaction, committed before returning.

        A failed commit reports its own error (SQLITE_FULL...), not a failed rollback.

        :raises StorageError: see ``use``.
        """

        def run(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = body(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # a failed COMMIT may have rolled back already
                    with contextlib.suppress(sqlite3.Error):  # the error to report is the first one
                        conn.execute("ROLLBACK")
                raise
            return result

        return self.use(run, write=True)

    def close(self) -> None:
        """Close the connection (idempotent); later calls raise ``sqlite3.ProgrammingError``."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None
