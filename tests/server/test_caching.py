"""gzip, ETag and 304 through a real server on 127.0.0.1 (``server/caching.py`` and the gzip layer)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from autocode_core.server.caching import etag_of


def test_assets_are_gzipped_and_tagged_and_answer_304_when_unchanged(server: Any) -> None:
    plain = httpx.get(f"{server.url}/static/dashboard.js", headers={"Accept-Encoding": "identity"})
    first = server.client.get("/static/dashboard.js", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in first.headers["vary"].lower()
    assert int(first.headers["content-length"]) < len(plain.content) / 2
    assert first.content == plain.content  # httpx decompressed it: same text
    tag = first.headers["etag"]
    assert tag == plain.headers["etag"] == etag_of(plain.content)
    again = server.client.get("/static/dashboard.js", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert again.headers["cache-control"] == "no-cache"
    other = server.client.get("/static/dashboard.js", headers={"If-None-Match": 'W/"stale"'})
    assert other.status_code == 200 and other.content == plain.content


def test_json_is_tagged_and_a_new_result_changes_the_tag(server: Any) -> None:
    first = server.client.get("/api/checks/quick_check/history")
    tag = first.headers["etag"]
    assert server.client.get(
        "/api/checks/quick_check/history", headers={"If-None-Match": tag}
    ).status_code == 304
    server.client.post("/api/checks/quick_check/run").raise_for_status()
    changed = server.client.get("/api/checks/quick_check/history", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    assert len(changed.json()["runs"]) == 1


def test_status_is_gzipped_on_the_wire(server: Any) -> None:
    server.client.post("/api/checks/quick_check/run").raise_for_status()
    with httpx.stream("GET", f"{server.url}/api/status", headers={"Accept-Encoding": "gzip"}) as r:
        wire = sum(len(chunk) for chunk in r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
    full = server.client.get("/api/status", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in full.headers
    assert wire < len(full.content) / 2


@pytest.mark.parametrize("path", ["/api/checks/nope", "/api/runs/nope"])
def test_errors_and_other_statuses_are_not_tagged(server: Any, path: str) -> None:
    response = server.client.get(path)
    assert response.status_code == 404 and "etag" not in response.headers


def test_the_event_stream_is_neither_compressed_nor_tagged(server: Any) -> None:
    headers = {"Accept-Encoding": "gzip", "If-None-Match": "*"}
    with httpx.stream("GET", f"{server.url}/api/events", headers=headers, timeout=10) as r:
        assert r.status_code == 200
        assert "content-encoding" not in r.headers and "etag" not in r.headers
        first = next(r.iter_raw())
        assert first.startswith(b"retry:")


def test_head_answers_the_tag_without_a_body(server: Any) -> None:
    get = server.client.get("/static/dashboard.css")
    head = server.client.head("/static/dashboard.css")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]


def test_tagged_json_asks_the_browser_to_revalidate(server: Any) -> None:
    response = server.client.get("/api/checks")
    assert response.headers["cache-control"] == "no-cache"
    again = server.client.get("/api/checks", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"] == "no-cache"
