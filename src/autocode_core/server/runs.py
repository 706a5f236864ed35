"""Check runs started through the API, so ``?wait=false`` can hand out a run id.

Runs execute in the HTTP service's task group (not in the request), so a
client that disconnects does not cancel them. A run of a check already running
through the API, on the schedule or from anywhere else is joined and reported
as joined, with that run's id. The registry keeps the last ``keep`` runs.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import anyio
import structlog
from anyio.abc import TaskGroup

from autocode_core.errors import CheckNotFoundError
from autocode_core.models import CheckResult, utc_now
from autocode_core.server.payloads import full_result

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

__all__ = ["ApiRun", "RunRegistry"]

log = structlog.get_logger("autocode.server")
RunState = Literal["running", "completed", "failed", "cancelled"]


@dataclass
class ApiRun:
    """One run requested through the API."""

    id: str
    check_name: str
    started_at: datetime = field(default_factory=utc_now)
    finished_at: datetime | None = None
    result: CheckResult | None = None
    error: str | None = None
    done: anyio.Event = field(default_factory=anyio.Event)

    @property
    def state(self) -> RunState:
        if self.finished_at is None:
            return "running"
        if self.result is not None:
            return "completed"
        return "failed" if self.error else "cancelled"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the full result once there is one."""
        return {
            "id": self.id,
            "check_name": self.check_name,
            "state": self.state,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "result": full_result(self.result),
            "error": self.error,
        }


class RunRegistry:
    """API runs by id (bounded) and the ones in progress by check name."""

    def __init__(self, daemon: AutocodeDaemon, keep: int = 256) -> None:
        self.daemon = daemon
        self.keep = keep
        self.task_group: TaskGroup | None = None
        self._runs: OrderedDict[str, ApiRun] = OrderedDict()
        self._active: dict[str, ApiRun] = {}

    @property
    def running(self) -> set[str]:
        """Checks with an API run in progress."""
        return set(self._active)

    def get(self, run_id: str) -> ApiRun | None:
        """The run with that id, if still kept."""
        return self._runs.get(run_id)

    def start(self, name: str) -> tuple[ApiRun, bool]:
        """Start a run of ``name`` (or join the API run in progress): ``(run, joined)``.

        :raises CheckNotFoundError: no such check.
        :raises RuntimeError: the registry has no task group (service not running).
        """
        self._check(name)
        active = self._active.get(name)
        if active is not None:
            return active, True
        if self.task_group is None:
            raise RuntimeError("runs need the HTTP service's task group")
        handle = self.daemon.run_in_progress(name)  # e.g. a scheduled run: ours joins it
        if handle is not None:
            run = ApiRun(id=handle.id, check_name=name, started_at=handle.requested_at)
        else:
            run = ApiRun(id=uuid.uuid4().hex, check_name=name)
        self._runs[run.id] = run
        self._active[name] = run
        self._trim()
        self.task_group.start_soon(self._execute, run, name=f"autocode api run {name}")
        log.info("api_run_started", check=name, run_id=run.id, joined=handle is not None)
        return run, handle is not None

    async def run_here(self, name: str) -> ApiRun:
        """Run ``name`` in the calling task (no task group: an app served elsewhere).

        :raises CheckNotFoundError: no such check.
        """
        self._check(name)
        run = ApiRun(id=uuid.uuid4().hex, check_name=name)
        self._runs[run.id] = run
        self._trim()
        await self._execute(run)
        return run

    def _check(self, name: str) -> None:
        known = self.daemon.project.known_checks
        if name not in known:
            raise CheckNotFoundError(name, known)

    async def _execute(self, run: ApiRun) -> None:
        try:
            run.result = await self.daemon.run_check(run.check_name, trigger="api")
        except Exception as exc:  # noqa: BLE001  (a core bug: keep serving, report it on the run)
            run.error = f"{type(exc).__name__}: {exc}"
            log.error("api_run_failed", check=run.check_name, run_id=run.id, error=run.error)
        finally:
            run.finished_at = utc_now()
            if self._active.get(run.check_name) is run:
                del self._active[run.check_name]
            run.done.set()

    def _trim(self) -> None:
        while len(self._runs) > self.keep:
            oldest = next((k for k, r in self._runs.items() if r.finished_at is not None), None)
            if oldest is None:
                break
            del self._runs[oldest]
