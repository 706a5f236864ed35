"""Running blocking plugin code in a thread that can be abandoned for good.

anyio's worker threads are not daemon threads: one that never returns (a
plugin stuck in ``time.sleep(600)``, a hung listener) keeps the interpreter
from exiting, so ``autocode check`` would hang after printing its results.
``run_in_daemon_thread`` runs a call in a fresh daemon thread instead: the
caller may stop waiting (its cancellation abandons the thread) and the process
can always exit.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.lowlevel

__all__ = ["abandoned_threads", "run_in_daemon_thread"]

T = TypeVar("T")
_abandoned = 0
_lock = threading.Lock()


def abandoned_threads() -> int:
    """Threads whose caller stopped waiting and that have not returned yet."""
    return _abandoned


async def run_in_daemon_thread(func: Callable[..., T], *args: Any, name: str = "autocode call") -> T:
    """``func(*args)`` in a new daemon thread (with the caller's context variables).

    Cancelling the caller abandons the thread (counted by ``abandoned_threads``
    until it returns); the exception ``func`` raises is re-raised here.
    """
    global _abandoned
    token = anyio.lowlevel.current_token()
    done = anyio.Event()
    outcome: dict[str, Any] = {}
    state = {"abandoned": False, "finished": False}
    context = contextvars.copy_context()

    def target() -> None:
        global _abandoned
        try:
            outcome["value"] = context.run(func, *args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome["error"] = exc
        finally:
            with _lock:
                state["finished"] = True
                if state["abandoned"]:
                    _abandoned -= 1
            with contextlib.suppress(RuntimeError):  # the event loop is gone: nobody waits
                anyio.from_thread.run_sync(done.set, token=token)

    threading.Thread(target=target, name=name, daemon=True).start()
    try:
        await done.wait()
    except BaseException:
        with _lock:
            if not state["finished"]:
                state["abandoned"] = True
                _abandoned += 1
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]
