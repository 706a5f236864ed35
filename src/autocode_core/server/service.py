"""The HTTP server as a daemon service: uvicorn inside the daemon's task group.

``service(daemon, *, task_status)`` is what ``autocode daemon`` appends to
``daemon.services``. It checks the bind address against the security rule
(anything but loopback needs an API token), binds the socket itself (so port 0
works and the real port is known), then runs uvicorn on the daemon's event loop
until cancelled, when it shuts down gracefully (bounded). Checks started
through the API run in the service's own task group, so a client that goes away
does not cancel them.

Embedders and tests that need the port pass an ``HttpService`` instance as the
service and read ``.port`` / ``.url``; ``server_address(daemon)`` gives the same
for a daemon started with the plain ``service`` function.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import structlog
import uvicorn
from anyio.abc import TaskStatus

from autocode_core.server.app import create_app
from autocode_core.server.binding import bind_socket, check_bind
from autocode_core.store.state_dir import SERVER_FILE, write_atomic

if TYPE_CHECKING:
    from fastapi import FastAPI

    from autocode_core.daemon.daemon import AutocodeDaemon

__all__ = ["HttpService", "server_address", "service"]

log = structlog.get_logger("autocode.server")
SHUTDOWN_SECONDS = 5.0

_addresses: weakref.WeakKeyDictionary[Any, tuple[str, int]] = weakref.WeakKeyDictionary()


def server_address(daemon: AutocodeDaemon) -> tuple[str, int] | None:
    """``(host, port)`` the daemon's HTTP service listens on, ``None`` when not serving."""
    return _addresses.get(daemon)


class _Server(uvicorn.Server):
    """uvicorn without its signal handling: the daemon's owner handles signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HttpService:
    """One HTTP server for one daemon; an instance is a daemon service.

    After it started, ``app`` is the FastAPI application, ``port`` the bound
    port and ``url`` the base URL.
    """

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.host: str | None = None
        self.port: int | None = None
        self._sock: socket.socket | None = None

    def prepare(self, daemon: AutocodeDaemon) -> None:
        """Check the bind rule and bind the socket now, before the daemon takes its lock.

        The daemon calls this before it writes anything or runs any check, so a
        port in use or a public bind without a token refuses to start cleanly.
        Idempotent; the socket is used by the next ``__call__`` or closed by ``release``.

        :raises ConfigError: a non-loopback ``api.host`` without a token, or the
            address cannot be bound.
        """
        if self._sock is None:
            check_bind(daemon)
            self._sock = bind_socket(daemon.config.api.host, daemon.config.api.port)

    def release(self) -> None:
        """Close a socket ``prepare`` bound that was never served (the daemon failed to start)."""
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    @property
    def local_url(self) -> str:
        """``url`` as a client on this machine reaches it (a wildcard bind via loopback)."""
        url = self.url
        if self.host in ("0.0.0.0", ""):
            return url.replace(f"//{self.host}:", "//127.0.0.1:", 1)
        if self.host == "::":
            return url.replace("//[::]:", "//[::1]:", 1)
        return url

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        if self.port is None or self.host is None:
            raise RuntimeError("the HTTP service is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def __call__(self, daemon: AutocodeDaemon, *, task_status: TaskStatus[None]) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError("the HTTP server runs on the asyncio backend only") from None
        self.prepare(daemon)
        sock, self._sock = self._sock, None
        assert sock is not None
        api = daemon.config.api
        app = self.app = create_app(daemon)
        config = uvicorn.Config(
            app,
            log_config=None,
            lifespan="off",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=int(SHUTDOWN_SECONDS),
            h11_max_incomplete_event_size=16 * 1024,
        )
        server = _Server(config)
        shield = anyio.CancelScope(shield=True)
        announced: Path | None = None
        self.host, self.port = api.host, sock.getsockname()[1]

        async def serve() -> None:
            with shield:
                await server.serve(sockets=[sock])
            if not app.state.closing.is_set():  # uvicorn gave up on its own
                log.error("http_server_exited", url=self.url)
                tg.cancel_scope.cancel()

        mcp = app.state.mcp
        try:
            async with (
                mcp.session_manager.run() if mcp is not None else contextlib.nullcontext(),
                anyio.create_task_group() as tg,
            ):
                app.state.runs.task_group = tg
                tg.start_soon(serve)
                while not server.started:
                    if server.should_exit:
                        raise RuntimeError("the HTTP server failed to start")
                    await anyio.sleep(0.01)
                _addresses[daemon] = (self.host, self.port)
                announced = _announce(daemon, self.local_url, app.state.token is not None)
                log.info(
                    "http_server_started", url=self.url, token_required=app.state.token is not None
                )
                task_status.started()
                try:
                    await anyio.sleep_forever()
                finally:
                    app.state.closing.set()
                    server.should_exit = True
                    shield.deadline = anyio.current_time() + SHUTDOWN_SECONDS + 2
                    app.state.runs.task_group = None
                    tg.cancel_scope.cancel()
        finally:
            _addresses.pop(daemon, None)
            if announced is not None:
                with contextlib.suppress(OSError):
                    announced.unlink()
            sock.close()
            self.port = None
            log.info("http_server_stopped")


def _announce(daemon: AutocodeDaemon, url: str, token_required: bool) -> Path | None:
    """Write ``server.json`` beside the daemon's lock (see ``store.state_dir.SERVER_FILE``)."""
    path = daemon.project.state_dir / SERVER_FILE
    info = {"pid": os.getpid(), "url": url, "token_required": token_required}
    try:
        write_atomic(path, json.dumps(info))
    except OSError as exc:
        log.warning("server_address_not_written", path=str(path), error=str(exc))
        return None
    return path


async def service(daemon: AutocodeDaemon, *, task_status: TaskStatus[None]) -> None:
    """Serve the HTTP API and dashboard of ``daemon`` until cancelled (a daemon service).

    Prefer an ``HttpService()`` instance as the service: it binds before the
    daemon takes its lock (``prepare``), so a bad address refuses earlier.

    :raises ConfigError: a non-loopback ``api.host`` without a token, or the
        address cannot be bound.
    """
    await HttpService()(daemon, task_status=task_status)
