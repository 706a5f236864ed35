"""Request guards, as plain ASGI middleware (they never buffer a streamed response).

* ``BodyLimitMiddleware``: a request body over the limit gets 413, whether it
  announces its length or streams it in chunks.
* ``GuardMiddleware``:
  - on a loopback bind, only loopback Host names are answered (400 otherwise),
    so a web page cannot reach the API through DNS rebinding;
  - a request that changes something (any method but GET, HEAD, OPTIONS) from
    a browser page of another origin gets 403 unless that origin is in
    ``api.cors_origins``;
  - with an API token, a request that changes something needs
    ``Authorization: Bearer <token>`` (401 otherwise).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from autocode_core.server.binding import is_loopback

__all__ = ["MAX_BODY_BYTES", "BodyLimitMiddleware", "GuardMiddleware"]

MAX_BODY_BYTES = 64 * 1024
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

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


def _host_name(value: str) -> str:
    """The host part of a Host header (``[::1]:8080`` -> ``::1``)."""
    try:
        return urlsplit(f"//{value}").hostname or ""
    except ValueError:
        return ""


class GuardMiddleware:
    """Host check on loopback binds, same-origin and token rules for changes."""

    def __init__(
        self, app: ASGIApp, *, token: str | None, bind_host: str, cors_origins: list[str]
    ) -> None:
        self.app = app
        self.token = token
        self.loopback_only = is_loopback(bind_host)
        self.bind_host = bind_host.strip("[]").lower()
        self.cors_origins = {o.rstrip("/") for o in cors_origins}

    def _host_allowed(self, host: str) -> bool:
        name = _host_name(host).lower()
        return is_loopback(name) or name == self.bind_host

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
        given = _header(scope, b"authorization") or ""
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(value.strip().encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if self.loopback_only and (host is None or not self._host_allowed(host)):
            await _reply(
                send, 400, "untrusted Host header: this server answers loopback names only"
            )
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
            if self.token is not None and not self._authorized(scope):
                await _reply(
                    send,
                    401,
                    "this server requires an API token: send 'Authorization: Bearer <token>'",
                    {"WWW-Authenticate": 'Bearer realm="autocode"'},
                )
                return
        await self.app(scope, receive, send)
