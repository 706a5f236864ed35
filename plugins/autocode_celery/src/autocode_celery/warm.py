"""A worker's warm runtime: the project and its process executor kept between runs.

Loading a project (configuration, installed plugins) and spawning a fresh
worker process for every task would cost each remote run half a second; a
local daemon keeps both warm, so a worker does too. Each Celery pool process
keeps one event loop in a thread (an anyio blocking portal) and, per project
folder, a started ``ProcessExecutor`` (so a run still happens in its own
worker process, ended with its tree at the deadline). At most ``KEPT``
folders are kept warm (git checkouts change with every commit); the least
recently used is closed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import anyio
from anyio.from_thread import BlockingPortal, start_blocking_portal

from autocode_core.project import Project
from autocode_core.run.executor import ExecutorSetup
from autocode_core.run.process.executor import ProcessExecutor

__all__ = ["KEPT", "WarmProject", "warm_project"]

KEPT = 4


class WarmProject:
    """A project and its started executor, living on the portal's loop."""

    def __init__(self, root: Path) -> None:
        self.project = Project(root)
        self.executor = ProcessExecutor.from_setup(
            ExecutorSetup(self.project.config, tuple(self.project.plugins.checks.values()), serving=True))
        self._stop = anyio.Event()

    async def hold(self, *, task_status: Any = anyio.TASK_STATUS_IGNORED) -> None:
        """Start the executor, report ready, keep it until ``close``."""
        async with AsyncExitStack() as stack:
            await self.executor.start(stack)
            task_status.started()
            await self._stop.wait()

    def close(self) -> None:
        """Let ``hold`` return (on the portal's loop): its workers are ended."""
        self._stop.set()


class _Warm:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.portal: BlockingPortal | None = None
        self._portal_cm: Any = None  # referenced, or collecting it would stop the portal
        self.projects: OrderedDict[Path, WarmProject] = OrderedDict()

    def get(self, root: Path) -> tuple[BlockingPortal, WarmProject]:
        with self.lock:
            if self.portal is None:
                self._portal_cm = start_blocking_portal()
                self.portal = self._portal_cm.__enter__()  # lives as long as the pool process
            portal = self.portal
            warm = self.projects.pop(root, None)
            if warm is None:
                warm = portal.call(lambda: WarmProject(root))
                portal.start_task(warm.hold)
            self.projects[root] = warm
            while len(self.projects) > KEPT:
                _, old = self.projects.popitem(last=False)
                portal.call(old.close)
            return portal, warm


_WARM = _Warm()


def warm_project(root: Path) -> tuple[Callable[..., Any], WarmProject]:
    """``(call, warm)``: ``call(async_fn, *args)`` runs on the warm loop; ``warm`` for ``root``."""
    portal, warm = _WARM.get(root)
    return portal.call, warm
