"""The project's state folder (``.autocode/``) and the one-daemon-per-project lock.

The folder ignores itself for git (it holds a ``.gitignore`` of ``*``), so
nothing autocode keeps there shows up as a change. Files are written
atomically: a temporary file in the same folder, then ``os.replace``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from autocode_core.errors import DaemonAlreadyRunningError

__all__ = ["SERVER_FILE", "DaemonLock", "ensure_state_dir", "read_server_info", "write_atomic"]

#: where a daemon's HTTP server says where it listens: ``{"pid", "url", "token_required"}``,
#: written once it listens and removed when it stops (``autocode mcp`` finds the daemon by it)
SERVER_FILE = "server.json"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (UTF-8 for text) so readers see the old or
    the new file, never half of one. The folder is created if needed; an
    existing file keeps its permissions, a new one gets 0644.

    :raises OSError: the file cannot be written; the old one is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def ensure_state_dir(project_root: Path, name: str = ".autocode") -> Path:
    """Create the state folder (and its self-ignoring ``.gitignore``) if needed."""
    state = project_root / name
    state.mkdir(parents=True, exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        write_atomic(ignore, "# written by autocode: this folder is local state\n*\n")
    return state


class DaemonLock:
    """An exclusive ``flock`` on ``<state>/daemon.lock``, released when the process dies."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "daemon.lock"
        self._fd: int | None = None

    def holder(self) -> dict[str, Any] | None:
        """What the current holder wrote (pid, start time), if readable."""
        try:
            data = json.loads(self.path.read_text("utf-8") or "null")
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def is_held(self) -> bool:
        """True if some process (this one included) holds the lock now."""
        if self._fd is not None:
            return True
        if not self.path.exists():
            return False
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        return False

    def acquire(self, info: dict[str, Any]) -> None:
        """Take the lock or raise ``DaemonAlreadyRunningError`` naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            holder = self.holder() or {}
            pid = holder.get("pid", "?")
            raise DaemonAlreadyRunningError(
                f"another autocode daemon is already running for {self.path.parent.parent} "
                f"(pid {pid}, lock {self.path}); stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        self._fd = fd

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
            finally:
                os.close(self._fd)
                self._fd = None


def read_server_info(state_dir: Path) -> dict[str, Any] | None:
    """The HTTP address of the daemon that holds the lock in ``state_dir``, if it serves one.

    ``None`` unless the lock is held and ``server.json`` names the holder's pid
    (a file left by a daemon that was killed names another pid).
    """
    lock = DaemonLock(state_dir)
    if not lock.is_held():
        return None
    try:
        info = json.loads((state_dir / SERVER_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    holder = lock.holder() or {}
    if not isinstance(info, dict) or not info.get("url") or info.get("pid") != holder.get("pid"):
        return None
    return dict(info)
