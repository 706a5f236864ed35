"""Running one check once: the single path every trigger goes through.

``CheckRunner.run`` takes a concurrency slot, calls one plugin's ``execute``
(never a broadcast) under a deadline, and turns every outcome into a
``CheckResult``: a raise, a timeout, or a return value of the wrong type
becomes an ``error`` result naming the plugin and the cause. A run of a check
that is already running joins that run instead of starting a second one.
"""

from __future__ import annotations

import inspect
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import anyio
import structlog
from pydantic import BaseModel

from autocode_core.plugin.calling import is_async_callable
from autocode_core.config.models import AutocodeConfig
from autocode_core.run.context import CheckContext, Trigger
from autocode_core.errors import PluginError
from autocode_core.models import CheckResult, utc_now
from autocode_core.plugin.loader import CheckEntry, call_hookimpl
from autocode_core.run.processes import CheckProcesses, RunCancelledError

__all__ = ["CheckRunner", "FailureKind", "RunRequest", "error_result"]

log = structlog.get_logger("autocode.runner")


@dataclass
class RunRequest:
    """Everything a run needs besides the plugin."""

    project_root: Path
    config: AutocodeConfig
    settings: BaseModel | None
    timeout_seconds: float
    memory_limit_mb: float | None
    trigger: Trigger = "manual"


@dataclass
class _InFlight:
    done: anyio.Event = field(default_factory=anyio.Event)
    result: CheckResult | None = None


FailureKind = Literal["load_error", "plugin_error", "exception", "timeout", "invalid_result", "cancelled"]


def error_result(check_name: str, message: str, failure: FailureKind, **details: Any) -> CheckResult:
    """An ``error`` result, stamped now, for a check that could not run.

    ``details["failure"]`` says why (the CLI exits 3 for these), ``details["plugin"]``
    names the plugin when known.
    """
    details["failure"] = failure
    return CheckResult(
        check_name=check_name,
        status="error",
        message=message if message.startswith("❌") else f"❌ {message}",
        details=details,
        timestamp=utc_now(),
        duration_seconds=0.0,
    )


class CheckRunner:
    """Runs checks within a concurrency limit; one instance per daemon.

    ``on_started`` is called (on the event loop) when a run really starts.
    """

    def __init__(
        self,
        max_concurrent: int,
        on_started: Callable[[str, Trigger], None] | None = None,
    ) -> None:
        self.limiter = anyio.CapacityLimiter(max_concurrent)
        self._threads = anyio.CapacityLimiter(512)
        self._inflight: dict[str, _InFlight] = {}
        self._on_started = on_started
        self._abandoned = 0
        self._abandoned_lock = threading.Lock()

    @property
    def running(self) -> list[str]:
        """Names of the checks running now."""
        return sorted(self._inflight)

    @property
    def abandoned_threads(self) -> int:
        """Worker threads of timed-out synchronous checks that have not returned yet."""
        return self._abandoned

    def set_max_concurrent(self, value: int) -> None:
        """Change the concurrency limit; runs in progress keep their slot."""
        self.limiter.total_tokens = value

    async def run(
        self,
        entry: CheckEntry,
        request: RunRequest,
        on_completed: Callable[[CheckResult], Awaitable[None]] | None = None,
    ) -> CheckResult:
        """Run ``entry``'s check, or join its run in progress; never raises for plugin faults.

        ``on_completed`` is awaited once per real run (not per joiner), before
        joiners are released, so they see the result already stored.
        """
        inflight = self._inflight.get(entry.name)
        if inflight is not None:
            await inflight.done.wait()
            assert inflight.result is not None
            return inflight.result
        inflight = self._inflight[entry.name] = _InFlight()
        try:
            async with self.limiter:
                if self._on_started is not None:
                    self._on_started(entry.name, request.trigger)
                inflight.result = await self._execute(entry, request)
            if on_completed is not None:
                await on_completed(inflight.result)
        finally:
            del self._inflight[entry.name]
            if inflight.result is None:  # cancelled from outside: waiters get an error
                inflight.result = error_result(entry.name, f"run of {entry.name} was cancelled", "cancelled")
            inflight.done.set()
        return inflight.result

    async def _execute(self, entry: CheckEntry, request: RunRequest) -> CheckResult:
        plugin = entry.plugin
        logger = structlog.get_logger(f"autocode.check.{entry.name}").bind(
            check=entry.name, plugin=plugin.name
        )
        processes = CheckProcesses(request.memory_limit_mb)
        context = CheckContext(
            check_name=entry.name,
            plugin_name=plugin.name,
            project_root=request.project_root,
            settings=request.settings,
            config=request.config,
            logger=logger,
            timeout_seconds=request.timeout_seconds,
            trigger=request.trigger,
            processes=processes,
        )
        started_at = utc_now()
        started = time.perf_counter()
        value: Any = None
        failure: CheckResult | None = None
        with structlog.contextvars.bound_contextvars(check=entry.name, plugin=plugin.name):
            with anyio.move_on_after(request.timeout_seconds) as scope:
                try:
                    value = await self._call(entry, context)
                except PluginError as exc:
                    failure = error_result(entry.name, str(exc), "plugin_error", plugin=plugin.name)
                except RunCancelledError:
                    pass  # the deadline below explains it
                except (Exception, SystemExit) as exc:
                    log.error("check_raised", error=repr(exc))
                    failure = error_result(
                        entry.name,
                        f"plugin {plugin.label} raised {type(exc).__name__}: {exc}",
                        "exception",
                        plugin=plugin.name,
                        traceback="".join(traceback.format_exception(exc)[-8:]),
                    )
            killed = processes.kill_all()
            duration = time.perf_counter() - started
            if scope.cancelled_caught:
                log.warning("check_timed_out", timeout_seconds=request.timeout_seconds)
                failure = error_result(
                    entry.name,
                    f"{entry.name} timed out after {request.timeout_seconds:g}s "
                    f"(plugin {plugin.label}; {killed} subprocess(es) killed)",
                    "timeout",
                    plugin=plugin.name,
                    timeout_seconds=request.timeout_seconds,
                    killed_processes=killed,
                )
            result = failure or self._validate(entry, value)
        result = result.model_copy(
            update={
                "check_name": entry.name,
                "timestamp": result.timestamp if failure is None and result.timestamp else started_at,
                "duration_seconds": duration,
            }
        )
        return result

    async def _call(self, entry: CheckEntry, context: CheckContext) -> Any:
        impl = entry.execute
        if is_async_callable(impl.function):
            return await call_hookimpl(impl, context=context)
        finished = threading.Event()

        def in_thread() -> Any:
            try:
                return call_hookimpl(impl, context=context)
            finally:
                finished.set()
                with self._abandoned_lock:
                    if getattr(in_thread, "abandoned", False):
                        self._abandoned -= 1

        try:
            value = await anyio.to_thread.run_sync(
                partial(in_thread), abandon_on_cancel=True, limiter=self._threads
            )
        except anyio.get_cancelled_exc_class():
            with self._abandoned_lock:
                if not finished.is_set():
                    in_thread.abandoned = True  # type: ignore[attr-defined]
                    self._abandoned += 1
            raise
        if inspect.isawaitable(value):
            value = await value
        return value

    @staticmethod
    def _validate(entry: CheckEntry, value: Any) -> CheckResult:
        if isinstance(value, CheckResult):
            if value.check_name and value.check_name != entry.name:
                log.warning("check_name_mismatch", returned=value.check_name, check=entry.name)
            return value
        shown = repr(value)
        if len(shown) > 200:
            shown = shown[:200] + "…"
        return error_result(
            entry.name,
            f"plugin {entry.plugin.label} returned {type(value).__name__}, "
            f"expected CheckResult: {shown}",
            "invalid_result",
            plugin=entry.plugin.name,
        )
