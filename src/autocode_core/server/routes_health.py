"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.server.payloads import ApiJSONResponse
from autocode_core.server.prometheus import CONTENT_TYPE, render_metrics

__all__ = ["readiness", "router"]

router = APIRouter(tags=["health"])


def _writable(folder: Path) -> str | None:
    """``None`` when a file can be created in ``folder``, else why not."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ready-", delete=True):
            return None
    except OSError as exc:
        return f"state folder {folder} is not writable: {exc.strerror or exc}"


async def readiness(daemon: AutocodeDaemon) -> tuple[list[str], list[str]]:
    """``(not ready because..., degraded because...)``; both empty: ready.

    Not ready: the daemon cannot do its job (scheduler stopped, state folder not
    writable). Degraded: it works, with something missing (a plugin that failed
    to load, a history that cannot be written): it still answers 200.
    """
    snapshot = daemon.snapshot(history=False)
    blocking: list[str] = []
    degraded: list[str] = []
    if not snapshot.scheduler_running:
        blocking.append("scheduler is not running")
    problem = await anyio.to_thread.run_sync(_writable, daemon.project.state_dir)
    if problem:
        blocking.append(problem)
    for plugin in snapshot.load_failures:
        degraded.append(f"plugin {plugin.label} failed to load: {plugin.error}")
    if snapshot.history.error:
        degraded.append(f"run history unavailable: {snapshot.history.error}")
    if snapshot.history.problem:  # checks still run, results kept in memory, nothing recorded
        degraded.append(f"runs are not being recorded: {snapshot.history.problem}")
    for name, why in snapshot.executor_problems.items():  # e.g. the Celery broker is unreachable
        degraded.append(f"executor {name}: {why}")
    return blocking, degraded


@router.get("/health/live", summary="200 while the server answers")
async def live() -> ApiJSONResponse:
    return ApiJSONResponse({"status": "alive"})


@router.get(
    "/health/ready",
    summary="200 ready or degraded (working, something missing), 503 not ready, with the reasons",
    responses={503: {"description": "Not ready: `reasons` says why"}},
)
async def ready(request: Request) -> ApiJSONResponse:
    blocking, degraded = await readiness(request.app.state.daemon)
    status = "not_ready" if blocking else "degraded" if degraded else "ready"
    body: dict[str, Any] = {"status": status, "reasons": blocking + degraded}
    return ApiJSONResponse(body, status_code=503 if blocking else 200)


@router.get("/metrics", summary="Prometheus text format", response_class=PlainTextResponse)
async def metrics(request: Request) -> PlainTextResponse:
    daemon: AutocodeDaemon = request.app.state.daemon
    store = daemon.store
    await anyio.to_thread.run_sync(store.metrics)  # SQLite off the loop; the snapshot reuses its cache
    snapshot = daemon.snapshot()
    return PlainTextResponse(render_metrics(snapshot), media_type=CONTENT_TYPE)
