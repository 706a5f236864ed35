"""Routes of checks and runs: status, checks, history, run now, run state."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.daemon.snapshot import metrics_dict
from autocode_core.errors import CheckNotFoundError
from autocode_core.server.payloads import (
    ApiJSONResponse,
    check_entry,
    executed_on,
    full_result,
    status_payload,
)
from autocode_core.server.runs import RunRegistry

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["checks"])


def _daemon(request: Request) -> AutocodeDaemon:
    return request.app.state.daemon  # type: ignore[no-any-return]


def _runs(request: Request) -> RunRegistry:
    return request.app.state.runs  # type: ignore[no-any-return]


def not_found(name: str, known: list[str]) -> HTTPException:
    """404 naming the unknown check and the known ones."""
    error = CheckNotFoundError(name, known)
    return HTTPException(404, {"detail": str(error), "known": error.known})


def _known(request: Request, name: str) -> AutocodeDaemon:
    daemon = _daemon(request)
    known = daemon.project.known_checks
    if name not in known:
        raise not_found(name, known)
    return daemon


@router.get(
    "/status", summary="Daemon state, totals and the latest result of every check (compact)"
)
async def get_status(request: Request) -> ApiJSONResponse:
    return ApiJSONResponse(status_payload(_daemon(request).snapshot(history=False)))


@router.get("/checks", summary="Every check: plugin, schedule and latest result (compact)")
async def list_checks(request: Request) -> ApiJSONResponse:
    snapshot = _daemon(request).snapshot(history=False)
    return ApiJSONResponse({"checks": [check_entry(c) for c in snapshot.checks.values()]})


@router.get(
    "/checks/{name}",
    summary="One check with its full latest result and run figures",
    responses={404: {"description": "No such check; `known` lists the checks"}},
)
async def get_check(request: Request, name: str) -> ApiJSONResponse:
    check = _known(request, name).snapshot(history=False).checks[name]
    entry = check_entry(check, full=True)
    entry["figures"] = metrics_dict(check.session)
    return ApiJSONResponse(entry)


@router.get(
    "/checks/{name}/history",
    summary="Stored runs of a check, newest first",
    description="Each run says where it executed: `executed_on` (`{worker, queue}`, null for a local run).",
    responses={404: {"description": "No such check"}},
)
async def get_history(
    request: Request,
    name: str,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    details: Annotated[bool, Query(description="include each run's details and findings")] = False,
) -> ApiJSONResponse:
    daemon = _known(request, name)

    def read() -> dict[str, Any]:  # SQLite: off the event loop
        exclude = None if details else {"details", "findings"}
        runs = [
            r.model_dump(mode="json", exclude=exclude) | {"executed_on": executed_on(r.details)}
            for r in daemon.get_history(name, limit)
        ]
        return {"check_name": name, "history_enabled": daemon.history is not None, "runs": runs}

    return ApiJSONResponse(await anyio.to_thread.run_sync(read))


@router.post(
    "/checks/{name}/run",
    summary="Run a check now (or join its run in progress)",
    status_code=200,
    responses={
        202: {"description": "`wait=false`: the run started; poll `GET /api/runs/{id}`"},
        404: {"description": "No such check"},
    },
)
async def run_check(
    request: Request,
    name: str,
    wait: Annotated[
        bool, Query(description="wait for the result (default) or return 202 at once")
    ] = True,
) -> Response:
    runs = _runs(request)
    try:
        if wait and runs.task_group is None:  # served without the service: run in the request
            run, joined = await runs.run_here(name), False
        else:
            run, joined = runs.start(name)
    except CheckNotFoundError as exc:
        raise not_found(name, exc.known) from None
    except RuntimeError as exc:
        raise HTTPException(503, str(exc)) from None
    headers = {"X-Autocode-Run-Id": run.id, "Location": f"/api/runs/{run.id}"}
    if not wait:
        body = {
            "run_id": run.id,
            "check_name": name,
            "state": run.state,
            "joined": joined,
            "url": f"/api/runs/{run.id}",
        }
        return ApiJSONResponse(body, status_code=202, headers=headers)
    await run.done.wait()
    if run.result is None:
        raise HTTPException(
            503, f"the run of {name} was {run.state}: {run.error or 'the server is stopping'}"
        )
    return ApiJSONResponse(full_result(run.result), headers=headers)


@router.get(
    "/runs/{run_id}",
    summary="State and result of a run started through the API",
    responses={404: {"description": "Unknown or expired run id"}},
)
async def get_run(request: Request, run_id: str) -> JSONResponse:
    run = _runs(request).get(run_id)
    if run is None:
        raise HTTPException(
            404, f"unknown run id {run_id!r} (runs are kept for a while, then forgotten)"
        )
    return ApiJSONResponse(run.to_dict())


@router.post(
    "/checks/{name}/cancel",
    summary="Cancel the check's run in progress (or queued)",
    responses={
        200: {"description": "Cancelled: the run ends as an error result saying why"},
        404: {"description": "No such check"},
        409: {"description": "The check is not running"},
    },
)
async def cancel_run(
    request: Request,
    name: str,
    reason: Annotated[
        str, Query(max_length=200, description="said in the cancelled run's message")
    ] = "cancelled from the API",
) -> ApiJSONResponse:
    daemon = _known(request, name)
    run_id = daemon.cancel_run(name, reason)  # on the daemon's loop: this handler runs there
    if run_id is None:
        raise HTTPException(409, f"{name} is not running: nothing to cancel")
    return ApiJSONResponse(
        {"check_name": name, "run_id": run_id, "cancelled": True, "reason": reason}
    )
