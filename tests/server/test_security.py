"""Token, Host and Origin rules, CORS, request limits: through a real server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

TOKEN = "t0ken-for-tests"


def test_with_a_token_changes_need_it_and_reads_do_not(make_server: Any) -> None:
    server = make_server({"api": {"token": TOKEN}})
    client = server.client
    for method, path in [
        ("POST", "/api/checks/quick_check/run"),
        ("POST", "/api/checks/quick_check/run?wait=false"),
        ("PATCH", "/api/config"),
        ("POST", "/api/scheduler/tasks/quick_check/pause"),
        ("POST", "/api/checks/nope/run"),
    ]:
        response = client.request(method, path, json={"daemon": {}})
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        wrong = client.request(method, path, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401, path
    assert server.daemon.results == {}
    assert server.daemon.scheduler.tasks["quick_check"].paused is False
    for path in ["/api/status", "/api/checks", "/api/config", "/health/ready", "/metrics", "/"]:
        assert client.get(path).status_code == 200, path
    authorized = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/checks/quick_check/run", headers=authorized).status_code == 200
    assert (
        client.post("/api/scheduler/tasks/quick_check/pause", headers=authorized).status_code == 200
    )
    patched = client.patch(
        "/api/config", json={"daemon": {"quick_check": {"interval_minutes": 2}}}, headers=authorized
    )
    assert patched.status_code == 200


def test_loopback_server_answers_loopback_host_names_only(server: Any) -> None:
    assert server.client.get("/api/status", headers={"Host": "evil.example:80"}).status_code == 400
    assert server.client.get("/api/status", headers={"Host": "localhost"}).status_code == 200
    assert server.client.get("/api/status", headers={"Host": "[::1]:1234"}).status_code == 200


def test_cross_origin_changes_are_refused_without_cors(server: Any) -> None:
    evil = {"Origin": "http://evil.example"}
    response = server.client.post("/api/checks/quick_check/run", headers=evil)
    assert response.status_code == 403
    assert server.daemon.results == {}
    assert (
        server.client.post("/api/checks/quick_check/run", headers={"Origin": "null"}).status_code
        == 403
    )
    same = {"Origin": server.url}
    assert server.client.post("/api/checks/quick_check/run", headers=same).status_code == 200
    read = server.client.get("/api/status", headers=evil)
    assert read.status_code == 200 and "access-control-allow-origin" not in read.headers
    preflight = server.client.options(
        "/api/config", headers={**evil, "Access-Control-Request-Method": "PATCH"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_configured_cors_origins_are_allowed(make_server: Any) -> None:
    origin = "http://dashboard.example"
    server = make_server({"api": {"cors_origins": [origin]}})
    preflight = server.client.options(
        "/api/config", headers={"Origin": origin, "Access-Control-Request-Method": "PATCH"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    response = server.client.post("/api/checks/quick_check/run", headers={"Origin": origin})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == origin
    other = server.client.post(
        "/api/checks/quick_check/run", headers={"Origin": "http://other.example"}
    )
    assert other.status_code == 403


def test_oversized_bodies_are_413(server: Any) -> None:
    big = b'{"daemon": {"x": "' + b"a" * 70_000 + b'"}}'
    response = server.client.patch(
        "/api/config", content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b" " * 8192

    streamed = server.client.patch(
        "/api/config", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert server.client.get("/health/live").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/static/../../../etc/passwd", {}),
        ("GET", "/static/%2e%2e%2fpyproject.toml", {}),
        ("GET", "/static/dashboard.js%00", {}),
        ("GET", "/api/checks/%00", {}),
        ("GET", "/api/checks/" + "x" * 4000, {}),
        ("GET", "/api/runs/%ff%fe", {}),
        ("POST", "/api/checks/quick_check/run?wait=%ff", {}),
        (
            "PATCH",
            "/api/config",
            {"content": b"\x00\x01\x02", "headers": {"Content-Type": "application/octet-stream"}},
        ),
        (
            "PATCH",
            "/api/config",
            {"content": b'{"daemon": {"quick_check": {"interval_minutes": 1e999}}}'},
        ),
        (
            "PATCH",
            "/api/config",
            {"content": b'{"daemon": {"quick_check": {"interval_minutes": NaN}}}'},
        ),
        ("PATCH", "/api/config", {"content": b'{"checks": {"quick_check": "\\ud800"}}'}),
        ("PUT", "/api/config", {"content": b"{}"}),
        ("DELETE", "/api/checks/quick_check", {}),
        ("GET", "/api/checks/quick_check/history?limit=%ff", {}),
    ],
)
def test_malformed_requests_get_4xx_never_500(
    server: Any, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = server.client.request(method, path, **kwargs)
    assert 400 <= response.status_code < 500, response.text


def test_invalid_content_length_is_4xx(server: Any) -> None:
    request = server.client.build_request("PATCH", "/api/config", content=b"{}")
    request.headers["Content-Length"] = "abc"
    try:
        response = server.client.send(request)
    except httpx.HTTPError:  # the server may close the connection instead
        return
    assert 400 <= response.status_code < 500


def test_a_non_ascii_token_works_sent_as_utf8_bytes(make_server: Any) -> None:
    token = "clé-secrète-ключ"
    server = make_server({"api": {"token": token}})
    utf8 = token.encode("utf-8")
    with httpx.Client(base_url=server.url) as client:  # header values as raw bytes, as curl sends them
        ok = client.post("/api/checks/quick_check/run", headers=[(b"Authorization", b"Bearer " + utf8)])
        assert ok.status_code == 200
        cut = client.post("/api/checks/quick_check/run", headers=[(b"Authorization", b"Bearer " + utf8[:-1])])
        assert cut.status_code == 401


def test_failed_token_attempts_are_limited_per_client(make_server: Any) -> None:
    server = make_server({"api": {"token": TOKEN}})
    bad = {"Authorization": "Bearer guess"}
    codes = [server.client.post("/api/checks/quick_check/run", headers=bad).status_code for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    refused = server.client.post(
        "/api/checks/quick_check/run", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert server.client.post("/api/checks/quick_check/run", headers=bad).json()["detail"]


def test_a_wrong_token_is_said_to_be_refused(make_server: Any) -> None:
    server = make_server({"api": {"token": TOKEN}})
    response = server.client.post("/api/checks/quick_check/run", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401 and response.json()["detail"] == "token refused"


def test_event_stream_clients_are_capped(make_server: Any) -> None:
    server = make_server({"api": {"max_event_clients": 2}})
    with httpx.Client(base_url=server.url, timeout=10) as client:
        with client.stream("GET", "/api/events") as one, client.stream("GET", "/api/events") as two:
            lines = [one.iter_lines(), two.iter_lines()]  # kept: a dropped iterator closes its stream
            assert [next(it) for it in lines] == ["retry: 3000", "retry: 3000"]
            third = client.get("/api/events")
            assert third.status_code == 503 and "max_event_clients" in third.json()["detail"]
        server.wait_for(lambda: server.http.app.state.event_clients == 0)  # they left
        with client.stream("GET", "/api/events") as again:  # so a slot is free again
            assert again.status_code == 200
