"""``create_app`` on its own, served by another ASGI server (httpx's ASGI transport)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import httpx

from autocode_core.server import create_app
from autocode_core.testing import AutocodeHarness


def test_the_app_works_without_the_service(tmp_path: Path, test_plugins: Any) -> None:
    harness = AutocodeHarness()
    harness.register(test_plugins.default[1])  # AsyncCheck
    daemon = harness.daemon(tmp_path, {})
    transport = httpx.ASGITransport(app=create_app(daemon))

    async def main() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            ran = await client.post("/api/checks/async_check/run")
            assert ran.status_code == 200 and ran.json()["status"] == "success"
            run_id = ran.headers["X-Autocode-Run-Id"]
            assert (await client.get(f"/api/runs/{run_id}")).json()["state"] == "completed"
            later = await client.post("/api/checks/async_check/run?wait=false")
            assert later.status_code == 503 and "task group" in later.json()["detail"]
            status = (await client.get("/api/status")).json()
            assert status["daemon"]["is_running"] is False
            ready = (await client.get("/health/ready")).json()
            assert ready["reasons"][0] == "scheduler is not running"
            assert (await client.get("/", headers={"Host": "example.com"})).status_code == 400

    anyio.run(main)


def test_head_answers_like_get_without_a_body(server: Any) -> None:
    for path in ("/", "/health/live", "/api/status", "/api/checks"):
        head = server.client.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-type"] == server.client.get(path).headers["content-type"]


def test_a_patch_that_is_not_json_is_415(server: Any) -> None:
    response = server.client.patch(
        "/api/config", content=b'{"daemon": {}}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415 and "application/json" in response.json()["detail"]


def test_an_internal_error_answers_json(server: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(server.daemon, "snapshot", broken)
    response = server.client.get("/api/status")
    assert response.status_code == 500 and response.json()["error_id"]
    assert "a bug" not in response.text  # details stay in the log
