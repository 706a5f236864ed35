"""The dashboard (``GET /``) and the offline API reference (``GET /docs``).

Every asset ships inside the package (``static/``) and is read once through
``importlib.resources``: no CDN, no build step, and no route reads a path the
client chose (assets are looked up by name in a fixed table).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

__all__ = ["ASSETS", "router"]

router = APIRouter(include_in_schema=False)

#: name -> media type of every file served
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "docs.html": "text/html; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
    "cards.js": "text/javascript; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "live.js": "text/javascript; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@cache
def _asset(name: str) -> bytes:
    return resources.files("autocode_core.server").joinpath("static", name).read_bytes()


def _serve(name: str) -> Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return Response(_asset(name), media_type=ASSETS[name], headers=headers)


@router.get("/")
async def index() -> Response:
    return _serve("index.html")


@router.get("/docs")
async def docs() -> Response:
    return _serve("docs.html")


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "no such asset")
    return _serve(name)


@router.get("/favicon.ico")
async def favicon() -> Response:
    return _serve("favicon.svg")
