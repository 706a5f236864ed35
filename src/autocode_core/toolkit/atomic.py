"""Atomic file writes: readers see the old file or the new one, never half of one.

``write_atomic`` writes the data to a temporary file in the target's folder,
flushes it to disk (``fsync``), gives it the target's permission bits and
renames it over the target (``os.replace``, atomic on POSIX), then syncs the
folder so the rename itself survives a crash. Whatever fails on the way (a
full disk, a file-size limit, a folder in the way, an interrupt), the
temporary file is removed and the old file is left exactly as it was.

``write_json_atomic`` is the same for JSON documents, in the one format every
first-party check uses (UTF-8, non-ASCII kept as is, a final newline).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["write_atomic", "write_json_atomic"]

#: permission bits of a file that did not exist before
NEW_FILE_MODE = 0o644


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; filesystems that cannot are skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # e.g. EINVAL: this filesystem does not sync folders
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Replace the file at ``path`` with ``data`` (text is written as UTF-8).

    Contract:

    * readers see the previous content or ``data``, never a mix;
    * the data is on disk (``fsync``) before the rename;
    * an existing file keeps its permission bits; a new file gets 0644;
    * a symbolic link is written through: its target is replaced, the link stays;
    * the folder is created if needed;
    * on any failure (``OSError`` such as ``ENOSPC`` or ``EFBIG``, or an
      interrupt) no temporary file is left behind and the old file is intact.

    :raises IsADirectoryError: ``path`` is a folder.
    :raises OSError: the file cannot be written.
    """
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", os.fspath(path))
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


def write_json_atomic(
    path: str | os.PathLike[str],
    data: Any,
    *,
    indent: int | None = 2,
    sort_keys: bool = False,
) -> None:
    """Write ``data`` as JSON to ``path`` with ``write_atomic``.

    The text is UTF-8 with non-ASCII characters as they are
    (``ensure_ascii=False``) and ends with a newline. Nothing is written when
    ``data`` cannot be serialized.

    :raises TypeError: ``data`` holds something JSON cannot represent.
    :raises ValueError: ``data`` holds a circular reference.
    :raises OSError: as ``write_atomic``.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys) + "\n"
    write_atomic(path, text)
