"""``GET /api/projects``: every project of a shared history with its latest verdicts."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request

from autocode_core.server.payloads import ApiJSONResponse

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["projects"])


@router.get("/projects", summary="every project in the run history, with each check's latest verdict")
async def get_projects(request: Request) -> ApiJSONResponse:
    """``{"projects": {name: {"status", "last_run", "checks": {check: {"status", "message",
    "timestamp", "runs"}}}}, "shared": bool}``: one project with the SQLite history, every
    project writing to it with a PostgreSQL ``history.url``; empty without a history."""
    daemon = request.app.state.daemon

    def read() -> dict[str, Any]:
        history = daemon.history
        projects = history.projects() if history is not None else {}
        return {"projects": projects, "shared": daemon.config.history.url is not None}

    return ApiJSONResponse(await anyio.to_thread.run_sync(read))
