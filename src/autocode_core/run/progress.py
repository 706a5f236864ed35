"""Partial results: what a check can report before its run ends.

A plugin calls ``context.report_partial(result)`` with a ``CheckResult`` that
answers part of the question (test_check: the tests of the files that just
changed). The runner hands each one to its ``on_partial`` callback, which the
daemon turns into a ``check_progress`` event (``DaemonEvent.result`` the
partial result, ``data["partial"]`` true): live clients (the event stream,
the dashboard, ``autocode watch``) see it at once. A partial result is never
stored as the check's latest result nor in the history: only the final one is.

``loop_reporter`` makes such a callback safe to call from the worker thread a
synchronous plugin runs in, as well as from the event loop itself. In a
worker process (``execution = "process"``) the worker sends each partial
result to the daemon as a ``partial`` message, and the process executor
hands it to the same callback. A bare context (``make_context``) has no
reporter: ``report_partial`` returns ``False`` and the plugin goes on.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import anyio.from_thread
import anyio.lowlevel

from autocode_core.models import CheckResult

__all__ = ["PartialReporter", "loop_reporter"]

#: receives one partial result; must not block
PartialReporter = Callable[[CheckResult], None]


def loop_reporter(callback: PartialReporter) -> PartialReporter:
    """``callback`` called on the current event loop, whichever thread reports.

    Call this on the loop. The returned reporter runs ``callback`` directly
    on the loop's thread and through ``anyio.from_thread.run_sync`` from any
    other; once the loop is gone, reports are dropped.
    """
    token = anyio.lowlevel.current_token()
    loop_thread = threading.get_ident()

    def report(result: CheckResult) -> None:
        if threading.get_ident() == loop_thread:
            callback(result)
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody listens any more
            anyio.from_thread.run_sync(callback, result, token=token)

    return report
