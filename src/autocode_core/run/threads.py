"""Running blocking plugin code in threads that can be abandoned for good.

anyio's worker threads are not daemon threads: one that never returns (a
plugin stuck in ``time.sleep(600)``, a hung listener) keeps the interpreter
from exiting, so ``autocode check`` would hang after printing its results.
``run_in_daemon_thread`` runs a call in a pool of daemon threads instead: idle
threads are reused (and retire after ``IDLE_SECONDS``), the caller may stop
waiting (its cancellation abandons the thread, which rejoins the pool if it
ever returns), and the process can always exit.
"""

from __future__ import annotations

import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.lowlevel

__all__ = ["abandoned_threads", "run_in_daemon_thread"]

T = TypeVar("T")
IDLE_SECONDS = 10.0
_Job = tuple[contextvars.Context, Callable[[], Any], Callable[[dict[str, Any]], None]]


class _Worker(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="autocode worker thread", daemon=True)
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            try:
                context, func, finish = self.jobs.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with _lock:
                    if self in _idle:
                        _idle.remove(self)
                        return
                continue  # handed a job at the last moment
            outcome: dict[str, Any] = {}
            try:
                outcome["value"] = context.run(func)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                outcome["error"] = exc
            with _lock:
                _idle.append(self)
            finish(outcome)


_idle: list[_Worker] = []
_lock = threading.Lock()
_abandoned = 0


def abandoned_threads() -> int:
    """Calls whose caller stopped waiting and that have not returned yet."""
    return _abandoned


async def run_in_daemon_thread(func: Callable[[], T]) -> T:
    """``func()`` in a daemon thread (with the caller's context variables).

    Cancelling the caller abandons the call (counted by ``abandoned_threads``
    until it returns); the exception ``func`` raises is re-raised here.
    """
    global _abandoned
    token = anyio.lowlevel.current_token()
    done = anyio.Event()
    result: dict[str, Any] = {}
    state = {"abandoned": False, "finished": False}

    def finish(outcome: dict[str, Any]) -> None:
        global _abandoned
        result.update(outcome)
        with _lock:
            state["finished"] = True
            if state["abandoned"]:
                _abandoned -= 1
                return
        with contextlib.suppress(RuntimeError):  # the event loop is gone: nobody waits
            anyio.from_thread.run_sync(done.set, token=token)

    with _lock:
        worker = _idle.pop() if _idle else None
    if worker is None:
        worker = _Worker()
        worker.start()
    worker.jobs.put((contextvars.copy_context(), func, finish))
    try:
        await done.wait()
    except BaseException:
        with _lock:
            if not state["finished"]:
                state["abandoned"] = True
                _abandoned += 1
        raise
    if "error" in result:
        raise result["error"]
    return result["value"]  # type: ignore[no-any-return]
