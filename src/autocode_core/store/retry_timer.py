"""``RetryTimer``: try something again every few seconds, in a thread of its own, until it works.

The PostgreSQL history uses it to write the runs that wait in memory during an
outage as soon as the database answers again, even when no run and no read
happens (an idle daemon, a long check). One thread at most per timer, started
on demand (``ensure_running``) and gone once ``attempt`` succeeds; ``stop``
ends it for good (bounded join).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

__all__ = ["RetryTimer"]

log = structlog.get_logger("autocode.history")


class RetryTimer:
    """Call ``attempt()`` every ``interval()`` seconds until it returns true.

    :param attempt: one try; true when nothing is left to do. An exception is
        logged and counts as a failed try (the thread never dies of it).
    :param interval: seconds between tries, read before each wait (so a test
        or a setting can change it).
    :param name: the thread's name (shown by debuggers and ``py-spy``).
    """

    def __init__(self, attempt: Callable[[], bool], interval: Callable[[], float], name: str) -> None:
        self._attempt = attempt
        self._interval = interval
        self._name = name
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._again = False  # asked for while an attempt ran: one more round before leaving

    @property
    def running(self) -> bool:
        """True while a retry thread is alive."""
        with self._lock:
            return self._thread is not None

    def ensure_running(self) -> None:
        """Make sure tries go on (start the thread, or keep the running one for one more
        round). Does nothing after ``stop``."""
        with self._lock:
            if self._stopped.is_set():
                return
            if self._thread is not None:
                self._again = True
                return
            self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """No more tries; waits up to ``timeout`` seconds for a try in progress."""
        self._stopped.set()
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopped.wait(max(self._interval(), 0.01)):
            try:
                done = self._attempt()
            except Exception:  # a bug: say so, try again later
                log.exception("history_retry_failed")
                done = False
            with self._lock:
                if done and not self._again:
                    self._thread = None
                    return
                self._again = False
        with self._lock:
            self._thread = None
