"""Running one check once: the single path every trigger goes through.

``CheckRunner.run`` joins a run of the same check already in progress (same
run id, same result) or starts one: it takes a concurrency slot, hands a
``RunJob`` to the executor it is given, and stamps the result
(``check_name``, ``timestamp``, ``duration_seconds``). Runs in progress are
``RunHandle``s: the one source of truth for "is this check running?". A
daemon keeps one runner per event loop, whichever runtime (executors) a run
uses, so limits and joins hold across every caller.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Literal

import anyio
import structlog
from pydantic import BaseModel

from autocode_core.config.models import AutocodeConfig
from autocode_core.models import CheckResult, utc_now
from autocode_core.plugin.loader import CheckEntry
from autocode_core.run.context import Trigger
from autocode_core.run.executor import CheckExecutor, RunJob
from autocode_core.run.outcome import could_not_run, error_result, sanitize_result
from autocode_core.run.progress import loop_reporter

__all__ = ["CheckRunner", "RunHandle", "RunRequest"]

log = structlog.get_logger("autocode.runner")


@dataclass(frozen=True)
class RunRequest:
    """Everything a run needs besides the plugin."""

    project_root: Path
    config: AutocodeConfig
    settings: BaseModel | None
    timeout_seconds: float
    memory_limit_mb: float | None
    trigger: Trigger = "manual"
    execution: str = "inline"
    changed_paths: frozenset[str] | None = None


@dataclass
class RunHandle:
    """A run that was asked for and has not finished: queued for a slot, then running."""

    id: str
    check_name: str
    trigger: Trigger
    execution: str
    requested_at: datetime = field(default_factory=utc_now)
    started_at: datetime | None = None
    result: CheckResult | None = None
    done: anyio.Event = field(default_factory=anyio.Event)
    cancel_requested: str | None = None
    #: for a change-triggered run, the paths that changed (``RunRequest.changed_paths``)
    changed_paths: frozenset[str] | None = None
    _scope: anyio.CancelScope | None = field(default=None, repr=False)

    def cancel(self, reason: str = "cancelled") -> bool:
        """Ask the run to stop; its result becomes a ``cancelled`` error saying ``reason``.

        Safe to call from the event loop only. A queued run is cancelled before it
        starts; a running one has its executor end it (a worker's whole process
        tree, a subprocess's tree). :return: false if the run already finished.
        """
        if self.result is not None:
            return False
        self.cancel_requested = reason
        if self._scope is not None:
            self._scope.cancel()
        return True

    @property
    def state(self) -> Literal["queued", "running", "finished"]:
        """Where the run is."""
        if self.result is not None:
            return "finished"
        return "running" if self.started_at is not None else "queued"


class CheckRunner:
    """Runs checks within a concurrency limit; one instance per daemon runtime.

    :param on_started: called on the event loop when a run gets its slot.
    :param on_partial: called on the event loop with each partial result a
        run reports (``autocode_core.run.progress``).
    """

    def __init__(
        self,
        max_concurrent: int,
        on_started: Callable[[RunHandle], None] | None = None,
        on_partial: Callable[[RunHandle, CheckResult], None] | None = None,
    ) -> None:
        self.limiter = anyio.CapacityLimiter(max_concurrent)
        self._inflight: dict[str, RunHandle] = {}
        self._on_started = on_started
        self._on_partial = on_partial

    @property
    def running(self) -> list[str]:
        """Names of the checks with a run queued or in progress."""
        return sorted(self._inflight)

    def in_flight(self, name: str) -> RunHandle | None:
        """The run of ``name`` in progress (or queued for a slot), if any."""
        return self._inflight.get(name)

    def runs(self) -> dict[str, RunHandle]:
        """Every run in progress or queued, by check name (a copy)."""
        return dict(self._inflight)

    def cancel(self, name: str, reason: str = "cancelled") -> RunHandle | None:
        """Cancel ``name``'s run in progress or queued; ``None`` if there is none.

        The run ends with an error result whose ``details.failure`` is
        ``"cancelled"`` and whose message says ``reason``; it is recorded and
        announced like any other result, and joiners receive it.
        """
        handle = self._inflight.get(name)
        if handle is None or not handle.cancel(reason):
            return None
        return handle

    def set_max_concurrent(self, value: int) -> None:
        """Change the concurrency limit; runs in progress keep their slot."""
        self.limiter.total_tokens = value

    def join_or_start(self, entry: CheckEntry, request: RunRequest) -> tuple[RunHandle, bool]:
        """The handle of ``entry``'s run in progress (``joined`` True) or of a new one.

        A new handle must be passed to ``run`` by the caller right away.
        """
        handle = self._inflight.get(entry.name)
        if handle is not None:
            return handle, True
        handle = RunHandle(
            uuid.uuid4().hex, entry.name, request.trigger, request.execution,
            changed_paths=request.changed_paths,
        )
        self._inflight[entry.name] = handle
        return handle, False

    async def run(
        self,
        entry: CheckEntry,
        request: RunRequest,
        executors: Mapping[str, CheckExecutor],
        on_completed: Callable[[RunHandle, CheckResult], Awaitable[None]] | None = None,
        *,
        handle: RunHandle | None = None,
    ) -> CheckResult:
        """Run ``entry``'s check, or join its run in progress; never raises for plugin faults.

        ``executors`` are the started executors by name; the request's
        ``execution`` picks one (an unknown name is an error result).

        ``on_completed(handle, result)`` is awaited once per real run (not per
        joiner), before joiners are released, so they see the result already stored.
        """
        if handle is None:
            handle, joined = self.join_or_start(entry, request)
            if joined:
                await handle.done.wait()
                assert handle.result is not None
                return handle.result
        result: CheckResult | None = None
        started: float | None = None
        try:
            with anyio.CancelScope() as scope:
                handle._scope = scope
                if handle.cancel_requested is not None:
                    scope.cancel()
                async with self.limiter:
                    handle.started_at = utc_now()
                    if self._on_started is not None:
                        self._on_started(handle)
                    started = time.perf_counter()
                    result = await self._execute(entry, request, handle, executors)
            if result is None:  # cancelled through the handle
                result = error_result(
                    entry.name, f"run of {entry.name} was {handle.cancel_requested}", "cancelled",
                    plugin=entry.plugin.name,
                )
            result = sanitize_result(result, entry.plugin.label, entry.plugin.name)
            began = handle.started_at or handle.requested_at
            result = result.model_copy(
                update={
                    "check_name": entry.name,
                    "timestamp": began
                    if could_not_run(result) or result.timestamp is None
                    else result.timestamp,
                    "duration_seconds": 0.0 if started is None else time.perf_counter() - started,
                }
            )
            handle.result = result
            if on_completed is not None:
                await on_completed(handle, result)
        finally:
            if self._inflight.get(entry.name) is handle:
                del self._inflight[entry.name]
            if handle.result is None:  # cancelled from outside: joiners get an error
                handle.result = error_result(entry.name, f"run of {entry.name} was cancelled", "cancelled")
            handle.done.set()
        return handle.result

    async def _execute(
        self,
        entry: CheckEntry,
        request: RunRequest,
        handle: RunHandle,
        executors: Mapping[str, CheckExecutor],
    ) -> CheckResult:
        executor = executors.get(request.execution)
        if executor is None:
            known = ", ".join(sorted(executors))
            return error_result(
                entry.name,
                f"{entry.name}: no executor named {request.execution!r} (known: {known})",
                "plugin_error",
                plugin=entry.plugin.name,
            )
        job = RunJob(
            run_id=handle.id,
            entry=entry,
            project_root=request.project_root,
            config=request.config,
            settings=request.settings,
            timeout_seconds=request.timeout_seconds,
            memory_limit_mb=request.memory_limit_mb,
            trigger=request.trigger,
            changed_paths=request.changed_paths,
            on_partial=None if self._on_partial is None else loop_reporter(partial(self._on_partial, handle)),
        )
        with structlog.contextvars.bound_contextvars(check=entry.name, plugin=entry.plugin.name):
            return await executor.execute(job)
