"""``ProcessExecutor``: every run in a worker process, so no plugin can stall,
slow down or kill the daemon.

Workers are warm: an idle one is reused (it has already imported the plugin),
a new one is spawned when none is idle, and one is retired after
``max_runs_per_worker`` runs. While a run goes the executor watches the
worker's process tree: past the deadline, over the memory limit, or when the
run is cancelled from outside, the whole tree is ended (SIGTERM, a short grace,
SIGKILL) and the run becomes an ``error`` result saying why. A worker that
dies (segfault, ``os._exit``, the kernel's OOM killer) is one too, with its
signal or exit code; the next run gets a fresh worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, ClassVar

import anyio
import structlog
from anyio.abc import TaskGroup
from pydantic import ValidationError

from autocode_core.config.models import AutocodeConfig
from autocode_core.models import CheckResult
from autocode_core.run.executor import CheckExecutor, ExecutorSetup, RunJob
from autocode_core.run.outcome import error_result
from autocode_core.run.process.pool import WorkerProcess
from autocode_core.run.process.protocol import PluginRef, PreloadRequest, WorkRequest
from autocode_core.run.process.tree import signal_description

__all__ = ["ProcessExecutor", "WorkerStats"]

log = structlog.get_logger("autocode.worker")
MEMORY_POLL_SECONDS = 0.2
_GONE = (anyio.EndOfStream, anyio.IncompleteRead, anyio.BrokenResourceError, ValueError)


@dataclass
class WorkerStats:
    """What happened to workers since the executor started (for status and ``/metrics``)."""

    started: int = 0
    crashed: int = 0
    killed: int = 0
    retired: int = 0
    last_exit: dict[str, str] = field(default_factory=dict)  # check -> how its last run ended


def _without_secrets(config: AutocodeConfig) -> AutocodeConfig:
    """``config`` as a worker gets it: the API token and notification secrets removed."""
    notifications = config.notifications.model_copy(
        update={"webhook_url": None, "slack_webhook": None, "smtp_password": None}
    )
    return config.model_copy(
        update={"api": config.api.model_copy(update={"token": None}), "notifications": notifications}
    )


class ProcessExecutor(CheckExecutor):
    """Runs checks in warm worker processes (``execution = "process"``).

    :param max_workers: idle workers kept (runs beyond it spawn more, retired after).
    :param preload: plugins the first worker imports right away (warm first runs).
    :param max_runs_per_worker: a worker is replaced after this many runs.
    :param kill_grace: seconds between SIGTERM and SIGKILL when a tree is ended.
    """

    name: ClassVar[str] = "process"

    def __init__(
        self,
        max_workers: int = 2,
        preload: Sequence[PluginRef] = (),
        *,
        max_runs_per_worker: int = 200,
        kill_grace: float = 0.3,
    ) -> None:
        self.max_workers = max_workers
        self.preload = tuple(preload)
        self.max_runs_per_worker = max_runs_per_worker
        self.kill_grace = kill_grace
        self.stats = WorkerStats()
        self.running: dict[str, int] = {}  # run id -> worker pid
        self._idle: list[WorkerProcess] = []
        self._busy: set[WorkerProcess] = set()
        self._group: TaskGroup | None = None
        self.warm_at_start = False

    async def start(self, stack: AsyncExitStack) -> None:
        self._group = await stack.enter_async_context(anyio.create_task_group())
        stack.push_async_callback(self._close)
        if self.warm_at_start:
            self._group.start_soon(self._prewarm_quietly)

    async def _prewarm_quietly(self) -> None:
        try:
            await self.prewarm()
        except (OSError, RuntimeError, anyio.BrokenResourceError) as exc:
            log.warning("worker_prewarm_failed", error=repr(exc))

    async def prewarm(self) -> None:
        """Spawn one worker now and have it import the preloaded plugins."""
        worker = await self._spawn()
        if self.preload:
            await worker.send(PreloadRequest(self.preload))
        self._idle.append(worker)

    @classmethod
    def from_setup(cls, setup: ExecutorSetup) -> ProcessExecutor:
        """The executor of a runtime: as many idle workers as checks may run at once,
        warmed with the plugins of the checks it will run (in a daemon)."""
        refs = tuple(
            PluginRef(e.plugin.name, e.plugin.importable, e.plugin.label)
            for e in setup.checks
            if e.plugin.importable is not None
        )
        executor = cls(setup.config.daemon.max_concurrent_checks, refs)
        executor.warm_at_start = setup.serving and bool(refs)
        return executor

    def worker_pid(self, run_id: str) -> int | None:
        """The pid of the worker running ``run_id``, if it runs."""
        return self.running.get(run_id)

    def counters(self) -> dict[str, int]:
        """Workers started, crashed, killed (timeout, memory, cancel) and retired."""
        s = self.stats
        return {"started": s.started, "crashed": s.crashed, "killed": s.killed, "retired": s.retired}

    async def _close(self) -> None:
        workers, self._idle = [*self._idle, *self._busy], []
        self._busy.clear()
        with anyio.CancelScope(shield=True):
            async with anyio.create_task_group() as tg:
                for worker in workers:
                    tg.start_soon(worker.end, self.kill_grace)
        if self._group is not None:
            self._group.cancel_scope.cancel()

    async def _spawn(self) -> WorkerProcess:
        if self._group is None:
            raise RuntimeError("the process executor was not started")
        worker = await WorkerProcess.spawn(self._group)
        self.stats.started += 1
        return worker

    async def _acquire(self) -> WorkerProcess:
        while self._idle:
            worker = self._idle.pop()
            if worker.process.returncode is None:
                return worker
            await worker.end(self.kill_grace)  # died while idle
        return await self._spawn()

    async def _release(self, worker: WorkerProcess) -> None:
        self._busy.discard(worker)
        worker.current = None
        if worker.runs >= self.max_runs_per_worker or len(self._idle) >= self.max_workers:
            self.stats.retired += 1
            await worker.end(self.kill_grace)
        else:
            self._idle.append(worker)

    async def execute(self, job: RunJob) -> CheckResult:
        plugin = job.entry.plugin
        if plugin.importable is None:
            return error_result(
                job.check_name,
                f"{job.check_name} cannot run in a worker process: plugin {plugin.label} was "
                "registered in code and is not importable by another process; "
                f'set daemon.{job.check_name}.execution = "inline"',
                "plugin_error",
                plugin=plugin.name,
            )
        request = WorkRequest(
            run_id=job.run_id,
            plugin=PluginRef(plugin.name, plugin.importable, plugin.label),
            check_name=job.check_name,
            project_root=job.project_root,
            settings=job.settings,
            config=_without_secrets(job.config),
            timeout_seconds=job.timeout_seconds,
            trigger=job.trigger,
            changed_paths=job.changed_paths,
        )
        try:
            worker = await self._acquire()  # bounded by the worker's own start-up timeout
        except (OSError, RuntimeError) as exc:
            return error_result(
                job.check_name, f"could not start a worker process for {job.check_name}: {exc}",
                "crashed", plugin=plugin.name,
            )
        deadline = anyio.current_time() + job.timeout_seconds  # from when a worker has it
        self._busy.add(worker)
        worker.current = (job.check_name, plugin.name)
        self.running[job.run_id] = worker.pid
        try:
            result = await self._supervise(worker, request, job, deadline)
        finally:
            self.running.pop(job.run_id, None)
        self.stats.last_exit[job.check_name] = str(result.details.get("failure", "completed"))
        return result

    async def _supervise(
        self, worker: WorkerProcess, request: WorkRequest, job: RunJob, deadline_at: float
    ) -> CheckResult:
        plugin = job.entry.plugin
        limit = job.memory_limit_mb
        peak = {"bytes": 0}
        over_limit = anyio.Event()
        outcome: dict[str, Any] = {}

        async def watch_memory() -> None:
            while True:
                await anyio.sleep(MEMORY_POLL_SECONDS)  # a quick run is never measured
                used = worker.rss_bytes()  # a few /proc reads: cheaper than a thread hop
                peak["bytes"] = max(peak["bytes"], used)
                if limit is not None and used > limit * 1024 * 1024:
                    over_limit.set()
                    tg.cancel_scope.cancel()
                    return

        async def converse() -> None:
            await worker.send(request)
            while True:
                message = await worker.receive()
                if message.get("type") == "log":
                    _relay_log(message, job)
                elif message.get("type") == "partial" and message.get("run_id") == request.run_id:
                    _relay_partial(message, job)
                elif message.get("type") == "result" and message.get("run_id") == request.run_id:
                    outcome["result"] = message.get("result")
                    tg.cancel_scope.cancel()
                    return

        try:
            with anyio.CancelScope(deadline=deadline_at) as deadline:
                try:
                    async with anyio.create_task_group() as tg:
                        tg.start_soon(watch_memory)
                        tg.start_soon(converse)
                except* _GONE:
                    pass  # the worker is gone or garbled: its exit code says why, below
        except anyio.get_cancelled_exc_class():  # cancelled from outside: end the tree first
            self.stats.killed += 1
            self._busy.discard(worker)
            await worker.end(self.kill_grace)
            raise
        if "result" in outcome:
            try:
                result = CheckResult.model_validate(outcome["result"])
            except ValidationError as exc:
                result = error_result(
                    job.check_name, f"plugin {plugin.label} returned an invalid result: {exc}",
                    "invalid_result", plugin=plugin.name,
                )
            worker.runs += 1
            await self._release(worker)
            return result
        self._busy.discard(worker)
        if deadline.cancelled_caught or over_limit.is_set():
            self.stats.killed += 1
            killed = await worker.end(self.kill_grace)
            if over_limit.is_set():
                return error_result(
                    job.check_name,
                    f"{job.check_name} used more than its memory limit of {limit:g} MB "
                    f"(peak {peak['bytes'] / 1048576:.0f} MB; plugin {plugin.label}); "
                    f"its processes were killed",
                    "memory", plugin=plugin.name, memory_limit_mb=limit,
                    peak_memory_mb=round(peak["bytes"] / 1048576, 1), killed_processes=killed,
                )
            return error_result(
                job.check_name,
                f"{job.check_name} timed out after {job.timeout_seconds:g}s "
                f"(plugin {plugin.label}; worker and {killed} subprocess(es) killed)",
                "timeout", plugin=plugin.name, timeout_seconds=job.timeout_seconds,
                killed_processes=killed,
            )
        code = await worker.exit_code()
        self.stats.crashed += 1
        await worker.end(self.kill_grace)
        how = signal_description(code) if code is not None else "stopped answering"
        return error_result(
            job.check_name,
            f"the worker process running {job.check_name} {how} (plugin {plugin.label}); "
            "the next run gets a fresh worker",
            "crashed", plugin=plugin.name, exit_code=code,
            peak_memory_mb=round(peak["bytes"] / 1048576, 1),
        )


def _relay_partial(message: dict[str, Any], job: RunJob) -> None:
    """A worker's partial result to the run's reporter (``autocode_core.run.progress``)."""
    if job.on_partial is None:
        return
    try:
        job.on_partial(CheckResult.model_validate(message.get("result")))
    except ValidationError:
        log.warning("invalid_partial_result", check=job.check_name)


def _relay_log(message: dict[str, Any], job: RunJob) -> None:
    fields = {k: v for k, v in message.items() if k not in {"type", "level", "event"}}
    fields.setdefault("check", job.check_name)
    fields.setdefault("plugin", job.entry.plugin.name)
    level = str(message.get("level", "info"))
    logger = structlog.get_logger(f"autocode.check.{job.check_name}")
    method = getattr(logger, level if level in {"debug", "info", "warning", "error", "critical"} else "info")
    method(str(message.get("event", "")), **fields)
