"""``create_app(daemon)``: the FastAPI application over one daemon.

The routes are thin: every action goes through the daemon's public API
(``run_check``, ``update_config``, ``pause_check``...), never a second
implementation. The middleware stack, outermost first: request size limit,
Host/Origin/token guard, optional CORS (only when ``api.cors_origins`` is set).
Around them, outermost first: ``HEAD`` as ``GET``, gzip (for clients that accept
it, bodies of ``GZIP_MIN_BYTES`` or more, never the event stream), then ETag/304
(``server/caching.py``) on JSON and assets.

Served without the ``service`` (mounted in another ASGI server), a run
happens inside its request; set ``app.state.runs.task_group`` to a running task
group for ``?wait=false`` (503 otherwise), and run
``app.state.mcp.session_manager.run()`` for ``/mcp`` (when the ``mcp`` extra is
installed).
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from autocode_core.server.caching import ETagMiddleware
from autocode_core.server.dashboard import router as dashboard_router
from autocode_core.server.event_stream import router as events_router
from autocode_core.server.payloads import ApiJSONResponse
from autocode_core.server.routes_checks import router as checks_router
from autocode_core.server.routes_config import router as config_router
from autocode_core.server.routes_health import router as health_router
from autocode_core.server.routes_projects import router as projects_router
from autocode_core.server.runs import RunRegistry
from autocode_core.server.security import (
    MAX_BODY_BYTES,
    BodyLimitMiddleware,
    GuardMiddleware,
    HeadMiddleware,
)

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

__all__ = ["create_app"]

log = structlog.get_logger("autocode.server")
GZIP_MIN_BYTES = 500

DESCRIPTION = """The autocode daemon: check results, runs, configuration, scheduler, health
and events.

When the server has an API token, every request that changes something (POST, PATCH)
must send it as `Authorization: Bearer <token>`."""


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("autocode-core")
    except metadata.PackageNotFoundError:
        return "unknown"


async def _http_error(request: Request, exc: Exception) -> ApiJSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail
    body = detail if isinstance(detail, dict) else {"detail": detail}
    return ApiJSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _internal_error(request: Request, exc: Exception) -> ApiJSONResponse:
    """A bug answers JSON too (and is logged with its traceback), never plain text."""
    error_id = uuid.uuid4().hex[:12]
    log.error("http_internal_error", path=request.url.path, error_id=error_id, exc_info=exc)
    return ApiJSONResponse(
        {"detail": f"internal error (id {error_id}, in the daemon's log)", "error_id": error_id},
        status_code=500,
    )


async def _validation_error(request: Request, exc: Exception) -> ApiJSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    return ApiJSONResponse({"detail": errors}, status_code=422)


def create_app(daemon: AutocodeDaemon, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The HTTP API and dashboard of ``daemon`` (not yet serving).

    Reads ``daemon.config.api``: ``token`` (required for changes when set),
    ``host`` (a loopback bind only answers loopback Host names) and ``cors_origins``.
    """
    app = FastAPI(
        title="autocode",
        version=_version(),
        description=DESCRIPTION,
        docs_url=None,  # Swagger UI loads from a CDN: /docs is our own offline page
        redoc_url=None,
        default_response_class=ApiJSONResponse,
    )
    api = daemon.config.api
    token = api.token.get_secret_value() if api.token is not None else ""
    app.state.daemon = daemon
    app.state.token = token or None
    app.state.runs = RunRegistry(daemon)
    app.state.closing = threading.Event()
    app.state.ping_seconds = 15.0
    app.state.event_clients = 0
    app.state.max_event_clients = api.max_event_clients
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    for router in (checks_router, config_router, health_router, events_router, dashboard_router, projects_router):
        app.include_router(router)
    if api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(api.cors_origins),
            allow_methods=["GET", "POST", "PATCH"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(
        GuardMiddleware,
        token=app.state.token,
        bind_host=api.host,
        cors_origins=list(api.cors_origins),
        allowed_hosts=list(api.allowed_hosts),
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(ETagMiddleware)  # tags the uncompressed body; 304 on If-None-Match
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)  # not text/event-stream
    app.add_middleware(HeadMiddleware)
    app.state.mcp = _mount_mcp(app, daemon)
    return app


def _mount_mcp(app: FastAPI, daemon: AutocodeDaemon) -> Any:
    """Serve the MCP tools at ``/mcp`` (Streamable HTTP) when the ``mcp`` extra is installed.

    The route sits behind the same guards as the API (Host check, same-origin
    and token rules: MCP requests are POSTs, so a token set means every one
    carries it). Its session manager must run while serving
    (``app.state.mcp.session_manager.run()``; ``HttpService`` does it).
    """
    try:
        from mcp.server.transport_security import TransportSecuritySettings

        from autocode_core.mcp.server import daemon_server
    except ImportError:
        return None
    server = daemon_server(daemon)
    sub_app = server.streamable_http_app(
        streamable_http_path="/mcp",
        # GuardMiddleware already answers only loopback Host names on a loopback bind
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    app.router.routes.extend(sub_app.routes)
    return server
