"""The daemon's own memory: reading it, and a service that warns when it is high."""

from __future__ import annotations

import os
import resource
import sys
from collections.abc import Callable

import anyio
import structlog
from anyio.abc import TaskStatus

from autocode_core.scheduling.clock import Clock

__all__ = ["MEMORY_POLL_SECONDS", "memory_mb", "watch_memory"]

log = structlog.get_logger("autocode.daemon")
MEMORY_POLL_SECONDS = 30.0


def memory_mb() -> float | None:
    """Resident memory of this process in MiB (current, from /proc; else the peak)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        try:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        except (OSError, ValueError):
            return None
        # ru_maxrss is in bytes on macOS, in KiB on Linux and the BSDs
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def watch_memory(
    clock: Clock, limit: Callable[[], float | None], *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    """Warn (``daemon_memory_high``) whenever resident memory is over ``limit()``; until cancelled."""
    task_status.started()
    while True:
        used, cap = memory_mb(), limit()
        if used is not None and cap is not None and used > cap:
            log.warning("daemon_memory_high", memory_mb=round(used, 1), limit_mb=cap)
        await clock.sleep_until(clock.now() + MEMORY_POLL_SECONDS)
