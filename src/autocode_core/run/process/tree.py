"""A worker's process tree: finding it, measuring it, ending it.

Workers run in a session of their own (their process group is their pid) and
are child subreapers on Linux, so everything a check starts stays findable:
as a descendant of the worker, or at least in its process group. Ending a tree
is SIGTERM to everything, a short grace, then SIGKILL to what is left.
"""

from __future__ import annotations

import contextlib
import os
import signal

import psutil

__all__ = ["descendants", "end_tree", "signal_description", "tree_rss_bytes"]


def _child_pids(pid: int) -> list[int] | None:
    """Direct children from ``/proc/<pid>/task/*/children`` (Linux); ``None`` if unavailable."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    found: list[int] = []
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as handle:
                found += [int(p) for p in handle.read().split()]
        except OSError:
            return None
    return found


def descendant_pids(pid: int) -> list[int]:
    """Pids of every living descendant of ``pid``, read cheaply from ``/proc`` where it can
    (psutil's ``children`` scans every process of the machine)."""
    if _child_pids(os.getpid()) is None:  # no /proc children files here
        return [p.pid for p in descendants(pid)]
    out: list[int] = []
    frontier = [pid]
    while frontier:
        children = _child_pids(frontier.pop()) or []
        out += children
        frontier += children
    return out


def descendants(pid: int) -> list[psutil.Process]:
    """Every living descendant of ``pid`` (empty when it is gone)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in bytes (0 when gone)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for member in (pid, *descendant_pids(pid)):
        try:
            with open(f"/proc/{member}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            with contextlib.suppress(psutil.Error):
                total += psutil.Process(member).memory_info().rss
    return total


def end_tree(pid: int | None, processes: list[psutil.Process], grace: float = 0.3) -> int:
    """SIGTERM ``processes`` (and the process group ``pid`` leads), then SIGKILL survivors.

    :param pid: a process-group leader whose whole group ends too (``None``: no group).
    :return: how many of ``processes`` were still alive when asked to end.
    """
    alive = [p for p in processes if _running(p)]
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    if pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
    _gone, left = psutil.wait_procs(alive, timeout=grace)
    for process in left:
        with contextlib.suppress(psutil.Error):
            process.kill()
    if pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    if left:
        psutil.wait_procs(left, timeout=grace)
    return len(alive)


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def signal_description(returncode: int) -> str:
    """``"crashed with SIGSEGV (Segmentation fault)"`` / ``"exited with code 1"``."""
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode)
            return f"crashed with {sig.name} ({signal.strsignal(sig) or sig.name})"
        except ValueError:
            return f"crashed with signal {-returncode}"
    return f"exited with code {returncode}"


