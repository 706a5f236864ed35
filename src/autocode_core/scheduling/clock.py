"""Time sources for the scheduler: the real one, and one tests move by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

import anyio

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """What the scheduler needs from time."""

    def now(self) -> float:
        """Monotonic seconds."""

    def wall(self) -> datetime:
        """The current wall-clock time (aware, UTC), for display."""

    async def sleep_until(self, deadline: float) -> None:
        """Return once ``now() >= deadline``."""


class SystemClock:
    """Real time: ``time.monotonic`` and ``anyio.sleep``."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, deadline: float) -> None:
        delay = deadline - self.now()
        if delay > 0:
            await anyio.sleep(delay)


class ManualClock:
    """A clock that moves only when ``advance`` is called; for tests that must not sleep.

    ``advance`` wakes every sleeper whose deadline has passed; follow it with
    ``await anyio.wait_all_tasks_blocked()`` to let woken tasks run.
    """

    def __init__(self, start: float = 0.0, wall_start: datetime | None = None) -> None:
        self._now = start
        self._wall0 = wall_start or datetime(2026, 1, 1, tzinfo=UTC)
        self._start = start
        self._sleepers: list[tuple[float, anyio.Event]] = []

    def now(self) -> float:
        return self._now

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self._now - self._start)

    async def sleep_until(self, deadline: float) -> None:
        while self._now < deadline:
            event = anyio.Event()
            self._sleepers.append((deadline, event))
            await event.wait()

    def advance(self, seconds: float) -> None:
        """Move time forward and wake the sleepers that are due."""
        self._now += seconds
        due = [s for s in self._sleepers if s[0] <= self._now]
        self._sleepers = [s for s in self._sleepers if s[0] > self._now]
        for _, event in due:
            event.set()
