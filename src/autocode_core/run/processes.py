"""Subprocesses of a check run, held to its limits.

Each check run gets one ``CheckProcesses``. In this process (the inline
executor) every command runs in a process group of its own; when the run
times out or is cancelled the core calls ``kill_all``, which kills every
group, so grandchildren (pytest workers, git hooks) die too. In a worker
process (``new_session=False``) commands stay in the worker's group, which the
daemon ends as a whole. No resource limit is set on the commands: the memory
limit is the resident memory of a worker's process tree, watched by the
daemon (a virtual-memory limit breaks threads and memory-mapped git packs).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import anyio
import psutil

__all__ = ["CheckProcesses", "RunCancelledError"]


class RunCancelledError(RuntimeError):
    """The check run that owns this process was cancelled or timed out."""


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _kill_tree(pid: int) -> None:
    """Kill a command that shares its parent's group, and its descendants."""
    try:
        root = psutil.Process(pid)
        processes = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.kill()


class CheckProcesses:
    """Starts, tracks and kills the subprocesses of one check run.

    Thread-safe: a synchronous plugin calls ``run`` from a worker thread while
    the event loop may call ``kill_all`` at its deadline.
    """

    def __init__(self, *, new_session: bool = True) -> None:
        self.new_session = new_session
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes] | subprocess.Popen[str]] = set()
        self._cancelled = False

    def _end(self, pid: int) -> None:
        if self.new_session:
            _kill_group(pid)
        else:
            _kill_tree(pid)

    def live_pids(self) -> list[int]:
        """Pids of the commands running now."""
        with self._lock:
            return [proc.pid for proc in self._live]

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
        stdout: IO[bytes] | None = None,
    ) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
        """Run a command to completion, capturing stdout and stderr.

        :param stdout: a file (opened for binary writing) that receives the
            command's output instead of a pipe; the result's ``stdout`` is
            then ``None``. For outputs of megabytes a file is much cheaper
            than a pipe, whose reader wakes for every 64 KiB.

        :raises RunCancelledError: the run was cancelled before or while the
            command ran (its whole process group was killed).
        :raises subprocess.TimeoutExpired: ``timeout`` passed; the group was killed.
        :raises OSError: the command could not be started (not found, not executable).
        """
        with self._lock:
            if self._cancelled:
                raise RunCancelledError("check run was cancelled")
            proc = subprocess.Popen(
                [os.fspath(a) for a in args],
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE if stdout is None else stdout,
                stderr=subprocess.PIPE,
                text=text,
                start_new_session=self.new_session,
            )
            self._live.add(proc)
        try:
            try:
                out, err = proc.communicate(input=input, timeout=timeout)
            except subprocess.TimeoutExpired:
                self._end(proc.pid)
                out, err = proc.communicate()
                raise subprocess.TimeoutExpired(proc.args, timeout or 0, out, err) from None
        finally:
            self._end(proc.pid)  # leftovers of the group do not outlive the command
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
            self._end(proc.pid)
        return len(live)
