"""``Runtime``: what check runs need while a daemon (or a one-shot session) is up.

A runtime holds the started executors, the runner it hands runs to (one per
event loop, shared by every runtime on it, so limits and joins hold), and the
listener dispatcher. ``open_runtime`` composes them on one
``AsyncExitStack``: executors start first and are released last; listeners,
when served, are drained for a bounded time on the way out.

* A running daemon opens one runtime for its lifetime, with served
  listeners (each has its own queue: a slow listener delays only itself).
* ``daemon.run_check`` outside a running daemon (``autocode check``, an
  embedding app) opens a one-shot runtime; listeners are then called and
  awaited right after each run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import anyio
import anyio.lowlevel

from autocode_core.daemon.listeners import ListenerDispatcher
from autocode_core.models import CompletedRun
from autocode_core.run.executor import CheckExecutor, ExecutorFactory, ExecutorSetup, InlineExecutor
from autocode_core.run.process.executor import ProcessExecutor
from autocode_core.run.runner import CheckRunner

__all__ = ["DEFAULT_EXECUTORS", "ExecutorFactory", "Runtime", "open_runtime"]

#: executors every runtime gets, by ``execution`` name
DEFAULT_EXECUTORS: Mapping[str, ExecutorFactory] = {
    "inline": InlineExecutor.from_setup,
    "process": ProcessExecutor.from_setup,
}


@dataclass
class Runtime:
    """Executors, runner and listeners of one event loop."""

    runner: CheckRunner
    executors: dict[str, CheckExecutor]
    listeners: ListenerDispatcher
    serving: bool
    token: object

    def here(self) -> bool:
        """True when called on this runtime's event loop."""
        try:
            return anyio.lowlevel.current_token().native_token is self.token
        except RuntimeError:
            return False

    async def deliver(self, run: CompletedRun) -> None:
        """Hand a finished run to the listeners: queued when served, else called and awaited."""
        if self.serving and self.listeners.serving:
            self.listeners.publish(run.check_name, run.result, run)
        else:
            await self.listeners.call_all(run.check_name, run.result, run)


@asynccontextmanager
async def open_runtime(
    executors: Mapping[str, ExecutorFactory],
    setup: Callable[[str], ExecutorSetup],
    runner: CheckRunner,
    listeners: ListenerDispatcher,
    *,
    serve_listeners: bool,
    drain_seconds: Callable[[], float],
) -> AsyncIterator[Runtime]:
    """Start the executors (and serve the listeners), yield the runtime, release them.

    :param setup: what the executor of a given name is built with.

    :param drain_seconds: how long served listeners may take to drain at exit.
    """
    async with AsyncExitStack() as stack:
        started: dict[str, CheckExecutor] = {}
        for name, factory in executors.items():
            executor = factory(setup(name))
            await executor.start(stack)
            started[name] = executor
        runtime = Runtime(
            runner,
            started,
            listeners,
            serve_listeners,
            anyio.lowlevel.current_token().native_token,
        )
        if serve_listeners:
            group = await stack.enter_async_context(anyio.create_task_group())
            await group.start(listeners.serve)

            def drain() -> None:  # runs first on the way out: queues close, then a bounded wait
                listeners.close()
                group.cancel_scope.deadline = anyio.current_time() + drain_seconds()

            stack.callback(drain)
        yield runtime
