"""``DaemonThread``: a daemon on its own event loop in a background thread.

The blocking façade for synchronous code (and for the ``await daemon.start()``
lifecycle): an anyio blocking portal owns the thread and its event loop,
``start`` returns once the daemon runs (or raises why it could not start),
``call`` runs a coroutine function on the daemon's loop and waits for it,
``stop`` asks the daemon to stop and joins the thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import structlog
from anyio.from_thread import BlockingPortal, start_blocking_portal

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

__all__ = ["DaemonThread"]

log = structlog.get_logger("autocode.daemon")

T = TypeVar("T")


class DaemonThread:
    """Runs ``daemon.run()`` in a background thread until ``stop``."""

    def __init__(self, daemon: AutocodeDaemon, backend: str = "asyncio") -> None:
        self.daemon = daemon
        self.backend = backend
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None
        self._future: Future[None] | None = None

    @property
    def alive(self) -> bool:
        """True from a successful ``start`` until the daemon's run ends."""
        return self._future is not None and not self._future.done()

    def start(self) -> None:
        """Start the thread and the daemon in it; return once the daemon runs.

        :raises DaemonAlreadyRunningError: another daemon holds the project's lock.
        :raises RuntimeError: this façade was already started.
        """
        if self._portal_cm is not None:
            raise RuntimeError("this daemon is already running")
        self._portal_cm = start_blocking_portal(self.backend)
        self._portal = self._portal_cm.__enter__()
        try:
            self._future, _ = self._portal.start_task(self.daemon.run, name="autocode daemon")
        except BaseException as exc:
            self._close(exc)
            raise

    def call(self, func: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run ``await func(*args)`` on the daemon's loop and return its value."""
        if self._portal is None:
            raise RuntimeError("the daemon thread is not running")
        return self._portal.call(func, *args)

    def stop(self, timeout: float | None = None) -> None:
        """Ask the daemon to stop, wait for it (up to ``timeout``), end the thread; idempotent."""
        portal, future = self._portal, self._future
        if portal is None:
            return
        if future is not None and not future.done():
            with contextlib.suppress(RuntimeError):  # the loop is already closing
                portal.call(self.daemon.request_stop)
            try:
                future.result(timeout)
            except TimeoutError:  # still stopping: cancel what is left
                portal.call(portal.stop, True)
            except BaseException as exc:  # noqa: BLE001 - stopping goes on whatever the run raised
                log.warning("daemon_thread_ended_with_error", error=repr(exc))
        self._close(None)

    def _close(self, exc: BaseException | None) -> None:
        cm, self._portal_cm, self._portal = self._portal_cm, None, None
        if cm is not None:
            cm.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)
