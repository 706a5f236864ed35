"""Failed token attempts, limited per client address (a brute-force brake)."""

from __future__ import annotations

import time
from collections import OrderedDict, deque

__all__ = ["FailedAttempts"]


class FailedAttempts:
    """At most ``limit`` failures per ``window`` seconds per address; then refused for ``window``.

    Bounded memory: the ``max_clients`` least recently seen addresses are kept.
    """

    def __init__(self, limit: int = 10, window: float = 60.0, max_clients: int = 4096) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.get(client)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked_for(self, client: str) -> float:
        """Seconds ``client`` must wait before trying again (0: it may try)."""
        now = time.monotonic()
        times = self._recent(client, now)
        if len(times) < self.limit:
            return 0.0
        return max(0.0, times[0] + self.window - now)

    def failed(self, client: str) -> None:
        """Count a failed attempt of ``client``."""
        now = time.monotonic()
        times = self._recent(client, now)
        times.append(now)
        self._failures[client] = times
        self._failures.move_to_end(client)
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)
