"""From changed paths to check runs: one queue per check and its busy policy.

``ChangeDispatcher.offer(paths)`` hands a batch (already filtered by the
ignore rules) to every enabled, unpaused check whose ``watch`` patterns match
a path; the check's worker runs it with ``trigger="change"`` and
``changed_paths`` = every matching path since the check's last change run.

While a run of the check is in progress (whoever started it), its
``on_busy`` policy decides:

* ``queue`` (default): the paths wait; exactly one follow-up run starts when
  the run ends, with the union of everything that changed meanwhile;
* ``restart``: the run is cancelled (``daemon.cancel_run``: a recorded
  ``cancelled`` error) and a new run starts with the cancelled run's paths
  and the new ones;
* ``do-nothing``: the paths are dropped (the schedule remains the safety net).

So a burst of changes (a checkout rewriting thousands of files, grouped into
one or two batches by the debouncer) runs each check at most twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio
import structlog

from autocode_core.errors import CheckNotFoundError
from autocode_core.models import CheckConfig, CheckResult
from autocode_core.run.runner import RunHandle
from autocode_core.watch.matching import patterns_for

__all__ = ["ChangeDispatcher", "WatchedDaemon"]

log = structlog.get_logger("autocode.watch")


class WatchedDaemon(Protocol):
    """What the dispatcher needs of ``AutocodeDaemon``."""

    scheduler: Any

    @property
    def project(self) -> Any: ...

    async def run_check(
        self, name: str, trigger: Any = ..., *, changed_paths: frozenset[str] | None = ...
    ) -> CheckResult: ...

    def run_in_progress(self, name: str) -> RunHandle | None: ...

    def cancel_run(self, name: str, reason: str = ...) -> str | None: ...


@dataclass
class _CheckQueue:
    """Paths waiting for one check, and the paths of its change run in progress."""

    pending: set[str] = field(default_factory=set)
    running: frozenset[str] | None = None
    wake: anyio.Event = field(default_factory=anyio.Event)
    worker_started: bool = False


class ChangeDispatcher:
    """Runs checks for batches of changed paths; ``run`` must be running (a task) for runs to start."""

    def __init__(self, daemon: WatchedDaemon) -> None:
        self.daemon = daemon
        self._queues: dict[str, _CheckQueue] = {}
        self._group: anyio.abc.TaskGroup | None = None
        self.runs_started = 0

    def _schedules(self) -> dict[str, CheckConfig]:
        schedules: dict[str, CheckConfig] = self.daemon.project.resolved.schedules
        return schedules

    def _active(self, name: str, schedule: CheckConfig) -> bool:
        if not schedule.enabled or name not in self.daemon.project.plugins.checks:
            return False
        task = self.daemon.scheduler.tasks.get(name)
        return not (task is not None and task.paused)

    def offer(self, paths: Iterable[str]) -> dict[str, int]:
        """Hand a batch of changed paths to the checks that watch them.

        :return: how many paths each check took (checks that took none are absent).
        """
        batch = set(paths)
        taken: dict[str, int] = {}
        for name, schedule in self._schedules().items():
            if not self._active(name, schedule):
                continue
            mine = patterns_for(schedule.watch).select(batch)
            if mine and self._take(name, schedule, mine):
                taken[name] = len(mine)
        return taken

    def offer_all(self) -> list[str]:
        """Run every active check once in full (``changed_paths=None``): after the
        watcher missed changes (its folder was gone). :return: the checks offered."""
        names = [n for n, s in self._schedules().items() if self._active(n, s) and s.watch != []]
        for name in names:
            queue = self._queues.setdefault(name, _CheckQueue())
            queue.pending.add("")  # "" marks "unknown: assess everything"
            self._wake(name, queue)
        return names

    def _take(self, name: str, schedule: CheckConfig, paths: set[str]) -> bool:
        queue = self._queues.setdefault(name, _CheckQueue())
        busy = self.daemon.run_in_progress(name)
        if busy is not None and schedule.on_busy == "do-nothing":
            log.debug("watch_changes_dropped", check=name, paths=len(paths), reason="busy")
            return False
        queue.pending |= paths
        if busy is not None and schedule.on_busy == "restart":
            if queue.running is not None:
                queue.pending |= queue.running  # the cancelled run's paths go into the re-run
            self.daemon.cancel_run(name, "restarted: files changed")
        self._wake(name, queue)
        return True

    def _wake(self, name: str, queue: _CheckQueue) -> None:
        queue.wake.set()
        if self._group is not None and not queue.worker_started:
            queue.worker_started = True
            self._group.start_soon(self._work, name, queue)

    async def run(self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Start the checks' workers as paths arrive; until cancelled."""
        async with anyio.create_task_group() as group:
            self._group = group
            for name, queue in self._queues.items():
                self._wake(name, queue)
            task_status.started()
            try:
                await anyio.sleep_forever()
            finally:
                self._group = None

    async def _work(self, name: str, queue: _CheckQueue) -> None:
        while True:
            await queue.wake.wait()
            queue.wake = anyio.Event()
            while queue.pending:
                while (handle := self.daemon.run_in_progress(name)) is not None:
                    await handle.done.wait()  # queue: wait for the run in progress, whoever started it
                if not queue.pending:
                    break
                paths = frozenset(queue.pending)
                queue.pending.clear()
                full = "" in paths
                queue.running = None if full else paths
                self.runs_started += 1
                log.info("watch_run", check=name, changed=None if full else len(paths))
                try:
                    await self.daemon.run_check(name, "change", changed_paths=None if full else paths)
                except CheckNotFoundError as exc:  # the check is gone: keep the others going
                    log.warning("watch_run_failed", check=name, error=str(exc))
                finally:
                    queue.running = None
