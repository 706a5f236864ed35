"""The project's state folder (``.autocode/``) and the one-daemon-per-project lock.

The folder ignores itself for git (it holds a ``.gitignore`` of ``*``), so
nothing autocode keeps there shows up as a change. autocode only uses a folder
it owns (``state_policy``): it claims one with a marker file before writing
anything else there. Files are written atomically: a temporary file in the same
folder, then ``os.replace``. A full disk or a read-only folder is a
``StorageError`` that names the path, never a bare ``OSError``.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any

import psutil

from autocode_core.errors import ConfigError, ConfigProblem, DaemonAlreadyRunningError
from autocode_core.store.state_policy import MARKER_NAME, MARKER_VERSION, state_dir_problem
from autocode_core.store.storage_failure import describe_failure
from autocode_core.toolkit.atomic import write_atomic

__all__ = ["SERVER_FILE", "DaemonLock", "ensure_state_dir", "read_server_info", "write_atomic"]

#: where a daemon's HTTP server says where it listens: ``{"pid", "url", "token_required"}``,
#: written once it listens and removed when it stops (``autocode mcp`` finds the daemon by it)
SERVER_FILE = "server.json"


def ensure_state_dir(project_root: Path, name: str = ".autocode") -> Path:
    """The state folder ``name`` (``daemon.state_dir``), created and claimed if needed.

    Claiming writes the marker first, then the self-ignoring ``.gitignore``;
    neither is ever rewritten. Safe to call from many processes at once.

    :raises ConfigError: ``name`` is not a folder autocode may own (the project
        root, a source folder, a folder holding the user's files...): nothing is
        written then.
    :raises StorageError: the folder cannot be created or claimed (disk full,
        read-only); also an ``OSError``.
    """
    problem = state_dir_problem(project_root, name)
    if problem is not None:
        raise ConfigError(ConfigProblem("", "daemon.state_dir", f"{name!r} {problem}", ("daemon", "state_dir")))
    state = project_root / name
    marker, ignore = state / MARKER_NAME, state / ".gitignore"
    try:
        state.mkdir(parents=True, exist_ok=True)
        if not marker.exists():
            claim = {"owner": "autocode", "version": MARKER_VERSION, "claimed_at": time.time()}
            write_atomic(marker, json.dumps(claim) + "\n")
        if not ignore.exists():
            write_atomic(ignore, "# written by autocode: this folder is local state\n*\n")
    except OSError as exc:
        raise describe_failure(state, exc).error() from exc
    return state


class DaemonLock:
    """An exclusive ``flock`` on ``<state>/daemon.lock``, released when the process dies."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "daemon.lock"
        self._fd: int | None = None

    def holder(self) -> dict[str, Any] | None:
        """What the current holder wrote (pid, start time), if readable."""
        try:
            holder = json.loads(self.path.read_text("utf-8") or "null")
        except (OSError, ValueError):
            return None
        return holder if isinstance(holder, dict) else None

    def is_held(self) -> bool:
        """True if some process (this one included) holds the lock now.

        Answered without touching the lock (taking even a shared lock for an
        instant would make a daemon starting at that instant refuse): the
        holder's pid, written at ``acquire`` and cleared at ``release``, is
        alive and was started before the lock was taken (not a reused pid).
        """
        if self._fd is not None:
            return True
        holder = self.holder()
        if not isinstance(holder, dict) or not isinstance(holder.get("pid"), int):
            return False
        try:
            process = psutil.Process(holder["pid"])
            started = holder.get("started")
            # a pid reused by a process born after the lock was taken is not the holder
            if isinstance(started, int | float) and process.create_time() > started + 1.0:
                return False
            return process.is_running()
        except (psutil.Error, TypeError, ValueError):
            return False

    def acquire(self, info: dict[str, Any]) -> None:
        """Take the lock and write ``info`` (pid, start time) into it.

        :raises DaemonAlreadyRunningError: another process holds it (named).
        :raises ConfigError: the lock path is a folder.
        :raises StorageError: it cannot be written (disk full, read-only).
        """
        if self.path.is_dir():
            raise ConfigError(ConfigProblem(
                str(self.path), "", "is a folder; autocode's lock must be a file (remove the folder)", ()
            ))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise describe_failure(self.path, exc).error() from exc
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
        try:
            os.ftruncate(fd, 0)
            data = json.dumps(info).encode()
            if os.write(fd, data) != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError as exc:
            os.close(fd)  # releases the lock
            raise describe_failure(self.path, exc).error() from exc
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
