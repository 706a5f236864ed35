"""Request guards, as plain ASGI middleware (they never buffer a streamed response).

* ``BodyLimitMiddleware``: a request body over the limit gets 413, whether it
  announces its length or streams it in chunks.
* ``GuardMiddleware``:
  - only Host names of this server are answered (400 otherwise; see
    ``hosts.HostRule``), so a web page cannot reach the API through DNS
    rebinding;
  - a request that changes something (any method but GET, HEAD, OPTIONS) from
    a browser page of another origin gets 403 unless that origin is in
    ``api.cors_origins``;
  - with an API token, a request that changes something needs
    ``Authorization: Bearer <token>`` (401 otherwise); on a bind other than
    loopback every request does, reads and the event stream included. The
    token is compared as UTF-8 bytes. An address with too many failed
    attempts gets 429 for a while.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from autocode_core.server.attempts import FailedAttempts
from autocode_core.server.hosts import HostRule

__all__ = ["MAX_BODY_BYTES", "BodyLimitMiddleware", "GuardMiddleware", "HeadMiddleware"]

MAX_BODY_BYTES = 64 * 1024
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: paths without data, served without a token on any bind (the dashboard's shell asks for it)
PUBLIC_PATHS = {"/", "/docs", "/favicon.ico", "/health/live"}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _reply(
    send: Send, status: int, detail: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _raw_header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimitMiddleware:
    """413 for request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                await _reply(send, 400, "invalid Content-Length header")
                return
            if int(length) > self.max_bytes:
                await _reply(send, 413, f"request body over {self.max_bytes} bytes")
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, f"request body over {self.max_bytes} bytes")
            return message

        await self.app(scope, limited, send)


class GuardMiddleware:
    """Host, origin and token rules (see the module's docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        bind_host: str,
        cors_origins: list[str],
        allowed_hosts: list[str] | None = None,
        attempts: FailedAttempts | None = None,
    ) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.hosts = HostRule(bind_host, allowed_hosts or ())
        self.cors_origins = {o.rstrip("/") for o in cors_origins}
        self.attempts = attempts or FailedAttempts()

    def _origin_allowed(self, origin: str, host: str | None) -> bool:
        if origin.rstrip("/") in self.cors_origins:
            return True
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return host is not None and parts.netloc.lower() == host.lower()

    def _authorized(self, scope: Scope) -> bool:
        assert self.token is not None
        given = _raw_header(scope, b"authorization") or b""
        scheme, _, value = given.partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        return hmac.compare_digest(value.strip(), self.token)  # bytes as sent: UTF-8 tokens work

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if not self.hosts.allows(host):
            await _reply(send, 400, "untrusted Host header: this server does not answer that name")
            return
        method = scope["method"].upper()
        if method not in SAFE_METHODS:
            origin = _header(scope, b"origin")
            if origin is not None and origin != "null" and not self._origin_allowed(origin, host):
                await _reply(
                    send, 403, f"cross-origin request from {origin} refused (see api.cors_origins)"
                )
                return
            if origin == "null":
                await _reply(send, 403, "request from an opaque origin refused")
                return
        needs_token = method not in SAFE_METHODS or (
            not self.hosts.loopback_only and scope.get("path", "") not in PUBLIC_PATHS
            and not str(scope.get("path", "")).startswith("/static/")
        )
        if self.token is not None and needs_token and method != "OPTIONS":
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.attempts.blocked_for(client)
            if wait:
                await _reply(send, 429, "too many failed token attempts: try again later",
                             {"Retry-After": str(int(wait) + 1)})
                return
            if not self._authorized(scope):
                if _raw_header(scope, b"authorization") is not None:
                    self.attempts.failed(client)
                await _reply(
                    send,
                    401,
                    "this server requires an API token: send 'Authorization: Bearer <token>'"
                    if _raw_header(scope, b"authorization") is None
                    else "token refused",
                    {"WWW-Authenticate": 'Bearer realm="autocode"'},
                )
                return
        await self.app(scope, receive, send)


class HeadMiddleware:
    """``HEAD`` answers like ``GET`` without the body, on every route that has a ``GET``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
