"""Subprocesses of a check run, held to its limits.

Each check run gets one ``CheckProcesses``. Every command started through it
runs in a process group of its own with the daemon's memory limit
(``RLIMIT_AS``, from ``daemon.max_memory_usage_mb``). When the run times out or
is cancelled the core calls ``kill_all``, which kills every group, so
grandchildren (pytest workers, git hooks) die too.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import anyio

__all__ = ["CheckProcesses", "RunCancelledError"]


class RunCancelledError(RuntimeError):
    """The check run that owns this process was cancelled or timed out."""


def _memory_limiter(limit_bytes: int | None):  # pragma: no cover - runs in the child
    if limit_bytes is None:
        return None

    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return set_limit


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class CheckProcesses:
    """Starts, tracks and kills the subprocesses of one check run.

    Thread-safe: a synchronous plugin calls ``run`` from a worker thread while
    the event loop may call ``kill_all`` at its deadline.
    """

    def __init__(self, memory_limit_mb: float | None = None) -> None:
        self.memory_limit_mb = memory_limit_mb
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes] | subprocess.Popen[str]] = set()
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        """True once ``kill_all`` was called: new commands are refused."""
        return self._cancelled

    def run(
        self,
        args: Sequence[str | os.PathLike[str]],
        *,
        cwd: str | Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        input: str | None = None,
        text: bool = True,
    ) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
        """Run a command to completion, capturing stdout and stderr.

        :raises RunCancelledError: the run was cancelled before or while the
            command ran (its whole process group was killed).
        :raises subprocess.TimeoutExpired: ``timeout`` passed; the group was killed.
        :raises OSError: the command could not be started (not found, not executable).
        """
        limit = None if self.memory_limit_mb is None else int(self.memory_limit_mb * 1024 * 1024)
        with self._lock:
            if self._cancelled:
                raise RunCancelledError("check run was cancelled")
            proc = subprocess.Popen(
                [os.fspath(a) for a in args],
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=text,
                start_new_session=True,
                preexec_fn=_memory_limiter(limit),
            )
            self._live.add(proc)
        try:
            try:
                out, err = proc.communicate(input=input, timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                out, err = proc.communicate()
                raise subprocess.TimeoutExpired(proc.args, timeout or 0, out, err) from None
        finally:
            _kill_group(proc.pid)  # leftovers of the group do not outlive the command
            with self._lock:
                self._live.discard(proc)
        if self._cancelled:
            raise RunCancelledError("check run was cancelled; its processes were killed")
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    async def run_async(
        self,
        args: Sequence[str | os.PathLike[str]],
        **kwargs: object,
    ) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
        """``run`` for ``async def`` plugins: the wait happens in a worker thread."""
        return await anyio.to_thread.run_sync(
            lambda: self.run(args, **kwargs),  # type: ignore[arg-type]
            abandon_on_cancel=True,
        )

    def kill_all(self) -> int:
        """Kill every live process group and refuse new commands.

        :return: how many commands were still running.
        """
        with self._lock:
            self._cancelled = True
            live = list(self._live)
        for proc in live:
            _kill_group(proc.pid)
        return len(live)
