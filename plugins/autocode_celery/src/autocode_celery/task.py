"""The worker's side: one check run from a task's payload, through the same
isolation as a local run (the core's ``ProcessExecutor``: a worker process
whose whole tree is ended at the deadline or over the memory limit).

The project is the code the payload points to (``payload.location``), with
its own configuration file and the plugins installed on this machine, kept
warm between runs (``warm``). The
answer is the result and where it ran: ``executed_on`` = worker hostname,
queue, commit, folder (the daemon puts it into ``details["executed_on"]``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded

from autocode_celery.app import TASK_NAME
from autocode_celery.checkout import CheckoutCache, CheckoutError
from autocode_celery.warm import WarmProject, warm_project
from autocode_core.models import CheckResult
from autocode_core.run.executor import RunJob
from autocode_core.run.outcome import error_result

__all__ = ["register_task", "run_in_project"]


async def run_in_project(warm: WarmProject, payload: dict[str, Any]) -> CheckResult:
    """Run ``payload["check"]`` of the warm project in one of its worker processes."""
    check, project = payload["check"], warm.project
    entry = project.plugins.checks.get(check)
    if entry is None:
        failed = project.load_failure(check)
        why = f"its plugin failed to load: {failed.error}" if failed else "no such check is installed"
        return error_result(check, f"{check} cannot run on this worker: {why}", "load_error")
    changed = payload.get("changed_paths")
    job = RunJob(
        run_id=payload["run_id"], entry=entry, project_root=project.root, config=project.config,
        settings=project.settings_for(check), timeout_seconds=float(payload["timeout_seconds"]),
        memory_limit_mb=project.memory_limit_for(check), trigger=payload.get("trigger", "manual"),
        changed_paths=frozenset(changed) if changed is not None else None,
    )
    return await warm.executor.execute(job)


def _head(root: Path) -> str | None:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def register_task(app: Celery, cache: CheckoutCache | None) -> Task:
    """Register the check task on ``app``; ``cache`` holds checkouts for ``git`` locations."""

    @app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True)
    def run_check(self: Task, **payload: Any) -> dict[str, Any]:
        location = payload["location"]
        check = payload["check"]
        delivery = self.request.delivery_info or {}
        where: dict[str, Any] = {"worker": self.request.hostname, "queue": delivery.get("routing_key"),
                                 "pid": os.getpid()}
        try:
            if location["kind"] == "git":
                if cache is None:
                    raise CheckoutError("this worker keeps no checkouts (--cache)")
                tree = cache.checkout(location["url"], location["commit"], location.get("patch", ""))
                root = tree / location.get("subdir", "")
                where["commit"] = location["commit"]
            else:
                root = Path(location["path"])
                where["commit"] = _head(root)
            where["path"] = str(root)
            call, warm = warm_project(root)
            result = call(run_in_project, warm, payload)
        except SoftTimeLimitExceeded:
            result = error_result(check, f"{check} exceeded its time limit on worker {self.request.hostname}",
                                  "timeout", timeout_seconds=payload["timeout_seconds"])
        except CheckoutError as exc:
            result = error_result(check, f"worker {self.request.hostname} could not get the code: {exc}",
                                  "unavailable")
        return {"result": result.model_dump(mode="json"), "executed_on": where}

    return run_check
