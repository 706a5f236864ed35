"""Routes of configuration, scheduler tasks and plugins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from autocode_core.config.display import config_data
from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.daemon.snapshot import plugin_dict, schedule_dict
from autocode_core.errors import CheckNotFoundError, ConfigError
from autocode_core.server.config_patch import parse_update, problems_from_error
from autocode_core.server.payloads import ApiJSONResponse
from autocode_core.server.routes_checks import not_found

__all__ = ["router"]

router = APIRouter(prefix="/api")
TASK_ACTIONS = ("pause", "resume", "enable", "disable")
PATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True},
                "example": {"daemon": {"git_check": {"interval_minutes": 3}}},
            }
        },
    }
}


def _daemon(request: Request) -> AutocodeDaemon:
    return request.app.state.daemon  # type: ignore[no-any-return]


@router.get("/config", tags=["config"], summary="The effective configuration (secrets masked)")
async def get_config(request: Request) -> ApiJSONResponse:
    return ApiJSONResponse(config_data(_daemon(request).config))


@router.patch(
    "/config",
    tags=["config"],
    summary="Apply a partial configuration live (never written to any file)",
    openapi_extra=PATCH_BODY,
    responses={
        422: {"description": "Invalid: each problem names the field (`loc`) and the reason (`msg`)"},
        415: {"description": "The body is not `application/json`"},
    },
)
async def patch_config(request: Request) -> ApiJSONResponse:
    daemon = _daemon(request)
    kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise HTTPException(415, f"the body must be application/json, not {kind or 'unspecified'}")
    update, problems = parse_update(await request.body(), daemon)
    if update is not None:
        try:
            daemon.update_config(update)
        except ConfigError as exc:
            problems = problems_from_error(exc)
    if problems:
        return ApiJSONResponse({"detail": problems}, status_code=422)
    return ApiJSONResponse(config_data(daemon.config))


@router.get("/scheduler/tasks", tags=["scheduler"], summary="Every scheduled task's state")
async def list_tasks(request: Request) -> ApiJSONResponse:
    snapshot = _daemon(request).snapshot(history=False)
    tasks = {n: schedule_dict(n, c) for n, c in snapshot.checks.items() if c.schedule is not None}
    return ApiJSONResponse({"is_running": snapshot.scheduler_running, "tasks": tasks})


@router.post(
    "/scheduler/tasks/{name}/{action}",
    tags=["scheduler"],
    summary="pause, resume, enable or disable a check's schedule",
    responses={404: {"description": "No such check or action"}},
)
async def task_action(request: Request, name: str, action: str) -> ApiJSONResponse:
    daemon = _daemon(request)
    if action not in TASK_ACTIONS:
        raise HTTPException(404, f"unknown action {action!r} (one of: {', '.join(TASK_ACTIONS)})")
    try:
        if action == "pause":
            daemon.pause_check(name)
        elif action == "resume":
            daemon.resume_check(name)
        else:
            daemon.enable_check(name, action == "enable")
    except CheckNotFoundError as exc:
        raise not_found(name, exc.known) from None
    check = daemon.snapshot(history=False).checks[name]
    return ApiJSONResponse(schedule_dict(name, check))


@router.get(
    "/plugins",
    tags=["plugins"],
    summary="Plugins and their load status (as `autocode plugins --json`)",
)
async def list_plugins(request: Request) -> ApiJSONResponse:
    plugins = _daemon(request).snapshot(history=False).plugins
    return ApiJSONResponse({"schema_version": 1, "plugins": [plugin_dict(p) for p in plugins]})
