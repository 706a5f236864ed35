"""``ETagMiddleware``: an entity tag on every ``GET`` answer, and 304 when it has not changed.

Contract: a ``GET`` (or ``HEAD``) answered 200 with a ``Content-Type`` of JSON,
HTML, CSS, JavaScript or SVG and a body of at most ``max_bytes`` gets a weak
``ETag`` (``W/"<blake2b of the body>"``), computed on the uncompressed body
(the gzip layer sits outside this one). A request whose ``If-None-Match``
names that tag is answered ``304 Not Modified`` with no body, the tag and the
answer's caching headers. A tagged answer without ``Cache-Control`` gets
``no-cache`` (a browser keeps it and asks again with ``If-None-Match``). Streams (``text/event-stream``), other methods,
other statuses, bigger bodies and answers that already carry an ``ETag``
pass through untouched. The body is computed either way: a 304 saves bytes
on the wire, not work on the server.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ETagMiddleware", "etag_of"]

TAGGED_TYPES = (
    "application/json",
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
)
#: headers a 304 repeats (RFC 9110 15.4.5)
KEPT_ON_304 = ("cache-control", "content-location", "date", "etag", "expires", "vary")
MAX_TAGGED_BYTES = 4 * 1024 * 1024


def etag_of(body: bytes) -> str:
    """The weak entity tag of ``body``."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _matches(if_none_match: str, tag: str) -> bool:
    wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in wanted or tag.removeprefix("W/") in wanted


class ETagMiddleware:
    """Tags JSON and asset answers to ``GET``; answers 304 to a matching ``If-None-Match``."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_TAGGED_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False  # not ours to tag: forward everything as it comes

        async def tagging_send(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                media = headers.get("content-type", "").split(";")[0].strip().lower()
                if (
                    message["status"] != 200
                    or media not in TAGGED_TYPES
                    or "etag" in headers
                    or "content-encoding" in headers
                ):
                    passing = True
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body = message.get("body", b"")
            chunks.append(body)
            size += len(body)
            if size > self.max_bytes:  # too big to hold: send it untagged
                passing = True
                await send(start)
                await send({**message, "body": b"".join(chunks)})
                return
            if message.get("more_body", False):
                return
            await self._finish(start, b"".join(chunks), if_none_match, send)

        await self.app(scope, receive, tagging_send)

    @staticmethod
    async def _finish(start: Message, body: bytes, if_none_match: str | None, send: Send) -> None:
        tag = etag_of(body)
        headers = MutableHeaders(raw=list(start["headers"]))
        headers["etag"] = tag
        if "cache-control" not in headers:
            headers["cache-control"] = "no-cache"
        if if_none_match and _matches(if_none_match, tag):
            kept = [(k, v) for k, v in headers.raw if k.decode("latin-1").lower() in KEPT_ON_304]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
