"""Periodic tasks on anyio: the daemon's scheduler.

The design document's API (``add_task``, ``tasks``, ``remove_task``,
``enable_task``, ``disable_task``, ``update_task_interval``,
``get_task_status``, ``get_all_tasks_status``, ``get_active_tasks``,
``is_running``) plus ``pause_task``/``resume_task``, jitter, an optional
first run at start, and an injectable clock.

Guarantees: a task never overlaps itself; ticks missed while it ran (or while
it was paused) coalesce into one run right away; a task that raises is logged
and rescheduled; unknown names raise ``KeyError``. The scheduler can be
stopped and started again. Every method is meant to be called on the event
loop, except ``stop``, which is safe from any thread.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
import structlog
from anyio.abc import TaskStatus

from autocode_core.plugin.calling import is_async_callable
from autocode_core.scheduling.clock import Clock, SystemClock

__all__ = ["ScheduledTask", "Scheduler"]

log = structlog.get_logger("autocode.scheduler")


@dataclass
class ScheduledTask:
    """One periodic task and its bookkeeping."""

    name: str
    func: Callable[[], Any]
    interval_seconds: float
    enabled: bool = True
    run_at_start: bool = True
    paused: bool = False
    running: bool = False
    next_run: float | None = None
    last_started: float | None = None
    last_started_at: datetime | None = None
    last_duration: float | None = None
    last_error: str | None = None
    last_lateness: float | None = None
    run_count: int = 0
    error_count: int = 0
    coalesced_runs: int = 0


def _check_interval(interval_seconds: float) -> float:
    if not interval_seconds > 0 or math.isinf(interval_seconds):
        raise ValueError(f"interval_seconds must be a positive number, got {interval_seconds!r}")
    return float(interval_seconds)


class Scheduler:
    """Runs registered functions periodically until stopped."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        jitter_seconds: float = 0.0,
        run_at_start: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.jitter_seconds = jitter_seconds
        self.run_at_start = run_at_start
        self._rng = rng or random.Random()
        self._tasks: dict[str, ScheduledTask] = {}
        self._wake: anyio.Event | None = None  # created by run(): bound to its event loop
        self._running = False
        self._deadline = math.inf  # when the loop wakes up next on its own
        self._stop_requested = False
        self._token: Any = None
        self._loop_thread: int | None = None

    # -- registry ---------------------------------------------------------
    @property
    def tasks(self) -> dict[str, ScheduledTask]:
        """The registered tasks by name (a copy of the mapping)."""
        return dict(self._tasks)

    def _get(self, name: str) -> ScheduledTask:
        try:
            return self._tasks[name]
        except KeyError:
            raise KeyError(f"unknown task {name!r}") from None

    def add_task(
        self,
        name: str,
        func: Callable[[], Any],
        interval_seconds: float,
        enabled: bool = True,
        run_at_start: bool | None = None,
    ) -> ScheduledTask:
        """Register ``func`` (sync or async, no arguments) to run every ``interval_seconds``.

        :raises ValueError: a task of that name exists, or the interval is not positive.
        """
        if name in self._tasks:
            raise ValueError(f"a task named {name!r} already exists")
        task = ScheduledTask(
            name,
            func,
            _check_interval(interval_seconds),
            enabled,
            self.run_at_start if run_at_start is None else run_at_start,
        )
        self._tasks[name] = task
        if self._running and enabled:
            self._schedule_first(task)
        self._poke()
        return task

    def remove_task(self, name: str) -> None:
        """Forget a task; a run in progress finishes but is not rescheduled."""
        self._get(name)
        del self._tasks[name]
        self._poke()

    def enable_task(self, name: str) -> None:
        """Let a task run again (at once if it runs at start, else after one interval)."""
        task = self._get(name)
        if not task.enabled:
            task.enabled = True
            if self._running:
                self._schedule_first(task)
            self._poke()

    def disable_task(self, name: str) -> None:
        """Stop scheduling a task; a run in progress finishes."""
        task = self._get(name)
        task.enabled = False
        task.next_run = None
        self._poke()

    def pause_task(self, name: str) -> None:
        """Hold a task without disabling it; missed ticks coalesce into one run on resume."""
        self._get(name).paused = True
        self._poke()

    def resume_task(self, name: str) -> None:
        """Undo ``pause_task``."""
        self._get(name).paused = False
        self._poke()

    def update_task_interval(self, name: str, interval_seconds: float) -> None:
        """Change a task's interval; the next run is re-planned from its last start."""
        task = self._get(name)
        task.interval_seconds = _check_interval(interval_seconds)
        if self._running and task.enabled and not task.running:
            base = task.last_started if task.last_started is not None else self.clock.now()
            task.next_run = max(base + task.interval_seconds, self.clock.now())
        self._poke()

    # -- status -----------------------------------------------------------
    def is_running(self) -> bool:
        """True between the start of ``run`` and its end."""
        return self._running

    def get_active_tasks(self) -> list[str]:
        """Names of the tasks that are enabled and not paused."""
        return [t.name for t in self._tasks.values() if t.enabled and not t.paused]

    def wall_time(self, monotonic: float | None) -> datetime | None:
        """The wall-clock time of a ``clock.now()`` reading (``None`` stays ``None``)."""
        if monotonic is None:
            return None
        return self.clock.wall() + timedelta(seconds=monotonic - self.clock.now())

    def next_run(self, name: str) -> datetime | None:
        """When a task runs next (wall clock), ``None`` when not scheduled."""
        task = self._get(name)
        return self.wall_time(task.next_run) if self._running and task.enabled else None

    def _wall(self, monotonic: float | None) -> str | None:
        wall = self.wall_time(monotonic)
        return wall.isoformat() if wall is not None else None

    def get_task_status(self, name: str) -> dict[str, Any]:
        """A JSON-ready snapshot of one task."""
        t = self._get(name)
        return {
            "name": t.name,
            "enabled": t.enabled,
            "paused": t.paused,
            "running": t.running,
            "interval_seconds": t.interval_seconds,
            "next_run": self._wall(t.next_run) if self._running and t.enabled else None,
            "last_run": t.last_started_at.isoformat() if t.last_started_at else None,
            "last_duration_seconds": t.last_duration,
            "last_lateness_seconds": t.last_lateness,
            "run_count": t.run_count,
            "error_count": t.error_count,
            "last_error": t.last_error,
            "coalesced_runs": t.coalesced_runs,
        }

    def get_all_tasks_status(self) -> dict[str, dict[str, Any]]:
        """``get_task_status`` of every task, by name."""
        return {name: self.get_task_status(name) for name in self._tasks}

    # -- running ----------------------------------------------------------
    def _jitter(self) -> float:
        return self._rng.uniform(0, self.jitter_seconds) if self.jitter_seconds else 0.0

    def _schedule_first(self, task: ScheduledTask) -> None:
        now = self.clock.now()
        task.next_run = now + self._jitter() if task.run_at_start else now + task.interval_seconds + self._jitter()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Run due tasks until ``stop`` is called; runs in progress are cancelled then.

        :raises RuntimeError: the scheduler is already running.
        """
        if self._running:
            raise RuntimeError("scheduler is already running")
        self._running, self._stop_requested = True, False
        self._token = anyio.lowlevel.current_token()
        self._loop_thread = threading.get_ident()
        for task in self._tasks.values():
            if task.enabled:
                self._schedule_first(task)
        try:
            async with anyio.create_task_group() as tg:
                task_status.started()
                while not self._stop_requested:
                    self._wake = anyio.Event()
                    now = self.clock.now()
                    deadline = math.inf
                    for task in list(self._tasks.values()):
                        if not task.enabled or task.paused or task.running or task.next_run is None:
                            continue
                        if task.next_run <= now:
                            task.running = True
                            tg.start_soon(self._run_task, task, name=f"autocode task {task.name}")
                        else:
                            deadline = min(deadline, task.next_run)
                    self._deadline = deadline
                    await self._wait(deadline)
                tg.cancel_scope.cancel()
        finally:
            self._running = False
            self._wake = None
            for task in self._tasks.values():
                task.running = False

    async def _wait(self, deadline: float) -> None:
        async with anyio.create_task_group() as tg:

            async def sleeper() -> None:
                await self.clock.sleep_until(deadline)
                tg.cancel_scope.cancel()

            wake = self._wake
            assert wake is not None

            async def waker() -> None:
                await wake.wait()
                tg.cancel_scope.cancel()

            if deadline != math.inf:
                tg.start_soon(sleeper)
            tg.start_soon(waker)

    async def _run_task(self, task: ScheduledTask) -> None:
        scheduled = task.next_run if task.next_run is not None else self.clock.now()
        task.last_started = start = self.clock.now()
        task.last_lateness = max(0.0, start - scheduled)
        task.last_started_at = self.clock.wall()
        try:
            if is_async_callable(task.func):
                await task.func()
            else:
                value = await anyio.to_thread.run_sync(task.func, abandon_on_cancel=True)
                if inspect.isawaitable(value):
                    await value
            task.last_error = None
        except Exception as exc:  # noqa: BLE001 - a task that raises is logged and rescheduled
            task.error_count += 1
            task.last_error = f"{type(exc).__name__}: {exc}"
            log.error("task_failed", task=task.name, error=task.last_error)
        finally:
            task.running = False
            task.run_count += 1
            end = self.clock.now()
            task.last_duration = end - start
            interval = task.interval_seconds
            due = scheduled + interval
            if due <= start:  # a late run (paused or busy) covered the ticks it missed
                task.coalesced_runs += int((start - scheduled) // interval)
                due = start + interval
            if due <= end:  # the run overran: the ticks it missed coalesce into one run now
                task.coalesced_runs += int((end - due) // interval)
                due = end
            task.next_run = due + self._jitter() if task.enabled else None
            if task.next_run is not None and task.next_run < self._deadline:
                self._poke()  # otherwise the loop's own wake-up is early enough

    def stop(self) -> None:
        """Ask ``run`` to return; safe from any thread. Runs in progress are cancelled."""
        self._stop_requested = True
        if not self._running:
            return
        if threading.get_ident() == self._loop_thread:
            self._poke()
        else:
            with contextlib.suppress(RuntimeError):  # the loop is already gone
                anyio.from_thread.run_sync(self._poke, token=self._token)
