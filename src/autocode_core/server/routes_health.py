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


async def readiness(daemon: AutocodeDaemon) -> list[str]:
    """Why the daemon is not ready (empty: ready)."""
    snapshot = daemon.snapshot(history=False)
    reasons = []
    if not snapshot.scheduler_running:
        reasons.append("scheduler is not running")
    problem = await anyio.to_thread.run_sync(_writable, daemon.project.state_dir)
    if problem:
        reasons.append(problem)
    for plugin in snapshot.load_failures:
        reasons.append(f"plugin {plugin.label} failed to load: {plugin.error}")
    return reasons


@router.get("/health/live", summary="200 while the server answers")
async def live() -> ApiJSONResponse:
    return ApiJSONResponse({"status": "alive"})


@router.get(
    "/health/ready",
    summary="200 when ready, 503 with the reasons otherwise",
    responses={503: {"description": "Not ready: `reasons` says why"}},
)
async def ready(request: Request) -> ApiJSONResponse:
    reasons = await readiness(request.app.state.daemon)
    body: dict[str, Any] = {"status": "not_ready" if reasons else "ready", "reasons": reasons}
    return ApiJSONResponse(body, status_code=503 if reasons else 200)


@router.get("/metrics", summary="Prometheus text format", response_class=PlainTextResponse)
async def metrics(request: Request) -> PlainTextResponse:
    daemon: AutocodeDaemon = request.app.state.daemon
    store = daemon.store
    await anyio.to_thread.run_sync(store.metrics)  # SQLite off the loop; the snapshot reuses its cache
    snapshot = daemon.snapshot()
    return PlainTextResponse(render_metrics(snapshot), media_type=CONTENT_TYPE)
