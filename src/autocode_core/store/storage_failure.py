"""What went wrong with one of autocode's own files, said in one line.

Two questions, asked wherever autocode writes its state (the state folder, the
daemon lock, the run history):

* ``describe_failure(path, exc)``: an ``OSError`` or ``sqlite3.Error`` while
  writing ``path`` becomes a ``StorageFailure``, ``kind`` ``disk_full`` or
  ``unwritable``, and a message that names the path, e.g.
  ``disk full: cannot write /p/.autocode/history.db (database or disk is full)``.
  A full disk shows up in many shapes (ENOSPC, SQLITE_FULL, an I/O error when
  SQLite cannot grow its shared-memory file); it is recognised by the error and,
  for the ambiguous shapes, by the free space left on that file system.
* ``is_damage(exc)``: the database file is damaged (SQLITE_CORRUPT,
  SQLITE_NOTADB), as opposed to locked, unwritable or full.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from autocode_core.errors import StorageError

__all__ = ["FailureKind", "StorageFailure", "describe_failure", "is_damage"]

FailureKind = Literal["disk_full", "unwritable", "unreachable"]

#: below this much free space, a write failure that does not say why is a full disk
NEARLY_FULL_BYTES = 64 * 1024
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_FULL, _SQLITE_NOTADB = 10, 11, 14, 13, 26
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


@dataclass(frozen=True)
class StorageFailure:
    """Why ``path`` could not be written: ``kind`` and a one-line ``message``."""

    kind: FailureKind
    message: str
    path: Path

    def error(self) -> StorageError:
        """The exception to raise for it."""
        return StorageError(self.message)


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(exc: BaseException) -> bool:
    """True when a database error means the file is damaged (not locked, full or unwritable)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = _sqlite_code(exc)
    if code is not None:
        return code in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _nearly_full(path: Path) -> bool:
    folder = path
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < NEARLY_FULL_BYTES


def describe_failure(path: Path, exc: BaseException) -> StorageFailure:
    """What a failure to write ``path`` means, for a person.

    :param exc: the ``OSError`` or ``sqlite3.Error`` raised while writing.
    """
    if isinstance(exc, OSError):
        detail = exc.strerror or str(exc)
        full = exc.errno in _FULL_ERRNOS or (exc.errno in (errno.EIO, None) and _nearly_full(path))
    else:
        detail = str(exc)
        code = _sqlite_code(exc)
        full = code in (_SQLITE_FULL, _SQLITE_IOERR, _SQLITE_CANTOPEN) and _nearly_full(path)
    if full:
        return StorageFailure("disk_full", f"disk full: cannot write {path} ({detail})", path)
    return StorageFailure("unwritable", f"cannot write {path}: {detail}", path)
