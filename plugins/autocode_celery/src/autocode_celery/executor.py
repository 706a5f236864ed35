"""``CeleryExecutor``: the daemon's side of remote runs (``execution = "celery"``).

A run is sent as one task (its id is the run id) to the check's queue, with
Celery's soft time limit at the check's timeout (plus 2 s: the worker's own
deadline ends the run first and reports it) and the hard limit
``hard_limit_grace_seconds`` later. The daemon then waits for the result at
most ``queue_wait_seconds`` + the hard limit (its own deadline, whatever the
fleet does); past that the task is revoked and the run is a ``timeout`` error.

Every failure is a result that says what happened: a broker that cannot be
reached is an ``unavailable`` error naming it (and ``problem()`` makes the
daemon's readiness ``degraded`` until a run is sent again), a task that
raised on the worker an ``exception`` error. The result's
``details["executed_on"]`` says where it ran (worker, queue, commit, folder).
"""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from functools import partial
from typing import Any, ClassVar

import anyio
import structlog
from celery import Celery

from autocode_celery.app import TASK_NAME, make_app
from autocode_celery.payload import task_payload
from autocode_celery.settings import CelerySettings, settings_problem
from autocode_core.models import CheckResult
from autocode_core.run.executor import CheckExecutor, ExecutorSetup, RunJob
from autocode_core.run.outcome import error_result
from autocode_core.store.history_postgres import masked_url

__all__ = ["SOFT_LIMIT_MARGIN", "CeleryExecutor"]

log = structlog.get_logger("autocode.celery")
SOFT_LIMIT_MARGIN = 2.0


class CeleryExecutor(CheckExecutor):
    """Sends runs to Celery workers (see the module docstring)."""

    name: ClassVar[str] = "celery"

    def __init__(self, settings: CelerySettings | None, config_problem: str | None = None) -> None:
        self.settings = settings
        self.config_problem = config_problem
        self.app: Celery | None = None
        self._problem: str | None = None
        self._counts = {"sent": 0, "completed": 0, "unavailable": 0, "timed_out": 0}

    @classmethod
    def from_setup(cls, setup: ExecutorSetup) -> CeleryExecutor:
        """The executor of a runtime, from the ``[celery]`` section (checked here: a bad
        key makes every run on it an error result naming the key)."""
        settings, problem = settings_problem(dict(setup.config.celery))
        return cls(settings, problem)

    async def start(self, stack: AsyncExitStack) -> None:
        stack.callback(self.close)

    def close(self) -> None:
        """Release the broker and backend connections."""
        if self.app is not None:
            self.app.close()
            self.app = None

    def problem(self) -> str | None:
        return self._problem

    def counters(self) -> dict[str, int]:
        return dict(self._counts)

    def _app(self) -> Celery:
        if self.app is None:
            assert self.settings is not None
            self.app = make_app(self.settings)
        return self.app

    async def execute(self, job: RunJob) -> CheckResult:
        name = job.check_name
        if self.settings is None:
            return error_result(name, f"{name} was not run: invalid [celery] settings: {self.config_problem}",
                                "unavailable")
        settings, app = self.settings, self._app()
        try:
            payload = await anyio.to_thread.run_sync(task_payload, job, settings)
        except (RuntimeError, OSError) as exc:
            return error_result(name, f"{name} was not run: workers cannot be told where the code is: {exc}",
                                "unavailable")
        soft = job.timeout_seconds + SOFT_LIMIT_MARGIN
        hard = soft + settings.hard_limit_grace_seconds
        queue = settings.queue_for(name)
        send = partial(app.send_task, TASK_NAME, kwargs=payload, task_id=job.run_id, queue=queue,
                       soft_time_limit=soft, time_limit=hard, retry=False)
        broker = masked_url(settings.broker_url)
        try:
            await anyio.to_thread.run_sync(send)
        except Exception as exc:  # noqa: BLE001 - kombu/redis raise many kinds for one outage
            self._counts["unavailable"] += 1
            self._problem = f"broker unreachable: {broker} ({exc})"
            log.error("celery_broker_unreachable", check=name, broker=broker, error=str(exc))
            return error_result(name, f"{name} was not run: the Celery broker {broker} is unreachable ({exc})",
                                "unavailable", broker=broker)
        if self._problem is not None:
            log.info("celery_broker_reachable_again", broker=broker)
        self._problem = None
        self._counts["sent"] += 1
        try:
            with anyio.fail_after(settings.queue_wait_seconds + hard):
                meta = await self._wait(app, job.run_id)
        except TimeoutError:
            self._counts["timed_out"] += 1
            await anyio.to_thread.run_sync(partial(app.control.revoke, job.run_id, terminate=True))
            return error_result(
                name, f"{name} timed out: no worker finished it within {settings.queue_wait_seconds + hard:g}s"
                f" (queue {queue})", "timeout", timeout_seconds=job.timeout_seconds, queue=queue)
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(partial(app.control.revoke, job.run_id, terminate=True))
            raise
        except Exception as exc:  # noqa: BLE001 - the result backend went away while waiting
            self._problem = f"result backend unreachable: {masked_url(settings.backend)} ({exc})"
            return error_result(name, f"{name}: lost contact with the Celery result backend ({exc})",
                                "unavailable")
        return self._result(name, meta, queue)

    async def _wait(self, app: Celery, task_id: str) -> dict[str, Any]:
        """The task's final metadata, polled from the result backend (thread-safe reads)."""
        delay = 0.01
        while True:
            meta: dict[str, Any] = await anyio.to_thread.run_sync(
                partial(app.backend.get_task_meta, task_id, cache=False))
            if meta.get("status") in ("SUCCESS", "FAILURE", "REVOKED"):
                return meta
            await anyio.sleep(delay)
            delay = min(delay * 1.5, 0.2)

    def _result(self, name: str, meta: dict[str, Any], queue: str) -> CheckResult:
        value = meta.get("result")
        if meta.get("status") != "SUCCESS" or not isinstance(value, dict) or "result" not in value:
            return error_result(name, f"{name} failed on its worker: {meta.get('status')} {value!r}"[:2000],
                                "exception", queue=queue)
        self._counts["completed"] += 1
        result = CheckResult.model_validate(value["result"])
        executed_on = {**value.get("executed_on", {}), "received_at": time.time()}
        return result.model_copy(update={"details": {**result.details, "executed_on": executed_on}})
