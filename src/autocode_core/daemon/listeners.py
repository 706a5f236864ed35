"""Delivering finished results to ``on_check_completed`` implementations.

Each listener is called on its own: one that raises is logged and the others
are still called; each call is bounded by a timeout. While a daemon runs,
every listener has its own queue and task, so a slow listener delays only
itself, never the scheduler or the other listeners. A queue is bounded in
count (``QUEUE_SIZE``) and in bytes (``QUEUE_BYTES``, the results' JSON
size): past either, the result is dropped for that listener with a warning
rather than kept alive. Plain-function listeners run in daemon threads, so one
that never returns cannot keep the process from exiting.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import anyio
import pluggy
import structlog
from anyio.abc import TaskStatus
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from autocode_core.models import CheckResult, CompletedRun
from autocode_core.plugin.calling import call_hookimpl, is_async_callable
from autocode_core.plugin.loader import PluginInfo
from autocode_core.run.threads import run_in_daemon_thread

__all__ = ["ListenerDispatcher"]

log = structlog.get_logger("autocode.listeners")
_Item = tuple[str, CheckResult, CompletedRun | None, int]


@dataclass
class _Queue:
    plugin: str
    send: MemoryObjectSendStream[_Item]
    pending_bytes: int = 0


def _size(result: CheckResult) -> int:
    """Roughly the memory a queued result keeps alive: its message and details as JSON."""
    return len(result.message) + len(json.dumps(result.details, default=str))
QUEUE_SIZE = 256
QUEUE_BYTES = 16 * 1024 * 1024


class ListenerDispatcher:
    """Calls every ``on_check_completed`` implementation, isolated and bounded."""

    def __init__(self, listeners: Sequence[tuple[PluginInfo, pluggy.HookImpl]], timeout: float) -> None:
        self.listeners = list(listeners)
        self.timeout = timeout
        self.failures: dict[str, int] = {}
        self.dropped = 0
        self._queues: list[_Queue] = []

    async def call_one(
        self,
        info: PluginInfo,
        impl: pluggy.HookImpl,
        name: str,
        result: CheckResult,
        run: CompletedRun | None = None,
    ) -> None:
        """Call one listener; never raises (but lets cancellation through)."""
        with anyio.move_on_after(self.timeout) as scope:
            try:
                if is_async_callable(impl.function):
                    await call_hookimpl(impl, check_name=name, result=result, run=run)
                else:
                    call = partial(call_hookimpl, impl, check_name=name, result=result, run=run)
                    value = await run_in_daemon_thread(call)
                    if inspect.isawaitable(value):
                        await value
            except Exception as exc:  # noqa: BLE001 - a listener bug is logged, others still run
                self.failures[info.name] = self.failures.get(info.name, 0) + 1
                log.error("listener_failed", plugin=info.name, check=name, error=repr(exc))
        if scope.cancelled_caught:
            self.failures[info.name] = self.failures.get(info.name, 0) + 1
            log.error("listener_timed_out", plugin=info.name, check=name, timeout_seconds=self.timeout)

    async def call_all(self, name: str, result: CheckResult, run: CompletedRun | None = None) -> None:
        """Call every listener concurrently and wait for all (used without a running daemon)."""
        async with anyio.create_task_group() as tg:
            for info, impl in self.listeners:
                tg.start_soon(self.call_one, info, impl, name, result, run)

    def publish(self, name: str, result: CheckResult, run: CompletedRun | None = None) -> bool:
        """Queue a result for every listener (needs ``serve`` running); False if none is serving."""
        size = _size(result) if self._queues else 0
        for queue in self._queues:
            if queue.pending_bytes + size > QUEUE_BYTES:
                self.dropped += 1
                log.warning("listener_queue_full", check=name, plugin=queue.plugin, pending_bytes=queue.pending_bytes)
                continue
            try:
                queue.send.send_nowait((name, result, run, size))
                queue.pending_bytes += size
            except anyio.WouldBlock:
                self.dropped += 1
                log.warning("listener_queue_full", check=name, plugin=queue.plugin)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                pass
        return bool(self._queues)

    @property
    def serving(self) -> bool:
        """True while ``serve`` delivers published results."""
        return bool(self._queues)

    async def serve(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Deliver published results until ``close`` is called, then drain the queues."""
        async with anyio.create_task_group() as tg:
            for info, impl in self.listeners:
                send, receive = anyio.create_memory_object_stream[_Item](QUEUE_SIZE)
                queue = _Queue(info.name, send)
                self._queues.append(queue)
                tg.start_soon(self._consume, info, impl, receive, queue)
            task_status.started()

    async def _consume(
        self,
        info: PluginInfo,
        impl: pluggy.HookImpl,
        receive: MemoryObjectReceiveStream[_Item],
        queue: _Queue,
    ) -> None:
        async with receive:
            async for name, result, run, size in receive:
                queue.pending_bytes -= size
                await self.call_one(info, impl, name, result, run)

    def close(self) -> None:
        """Stop accepting results; ``serve`` returns once the queues are drained."""
        queues, self._queues = self._queues, []
        for queue in queues:
            queue.send.close()
