"""The HTTP service inside the daemon: binding, the loopback rule, shutdown, the CLI path."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from autocode_core import ConfigError
from autocode_core.server import server_address, service
from autocode_core.testing import AutocodeHarness


def find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """``exc`` or the first exception of ``kind`` inside (nested) groups."""
    if isinstance(exc, kind):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = find(inner, kind)
        if found is not None:
            return found
    return None


def start_error(tmp_path: Path, config: dict[str, Any], backend: str = "asyncio") -> BaseException:
    """What ``daemon.run`` raises when its HTTP service cannot start (listeners included:
    their queues must be closed even then, or the unclosed streams would warn)."""
    daemon = AutocodeHarness().daemon(tmp_path, config, services=[service])
    with pytest.raises(BaseException) as info:
        anyio.run(daemon.run, backend=backend)
    return info.value


def test_port_zero_binds_a_free_port_and_tells_it(server: Any) -> None:
    assert server.http.port and server.http.port > 0
    assert server_address(server.daemon) == ("127.0.0.1", server.http.port)
    assert server.url == f"http://127.0.0.1:{server.http.port}"


def test_the_plain_service_function_is_what_the_cli_appends(tmp_path: Path) -> None:
    daemon = AutocodeHarness().daemon(tmp_path, {"api": {"port": 0}}, services=[service])
    seen: list[int] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            await tg.start(daemon.run)
            address = server_address(daemon)
            assert address is not None
            async with httpx.AsyncClient(base_url=f"http://{address[0]}:{address[1]}") as client:
                seen.append((await client.get("/health/live")).status_code)
            daemon.stop()

    anyio.run(main)
    assert seen == [200]
    assert server_address(daemon) is None


def test_a_non_loopback_bind_without_token_refuses_to_start(tmp_path: Path) -> None:
    error = find(start_error(tmp_path, {"api": {"host": "0.0.0.0", "port": 0}}), ConfigError)
    assert error is not None
    assert "api.host: '0.0.0.0' is reachable from other machines" in str(error)
    assert "AUTOCODE_API_TOKEN" in str(error)


def test_a_non_loopback_bind_with_a_token_starts(make_server: Any) -> None:
    # on a network bind every request needs the token (reads too: issue 14, item 12) and the
    # Host must be one of api.allowed_hosts (default: the machine's names and addresses)
    server = make_server({"api": {"host": "0.0.0.0", "token": "tok", "allowed_hosts": ["autocode.lan"]}})
    port = server.http.port
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Host": "autocode.lan"}
    ) as client:
        assert client.get("/api/status").status_code == 401
        assert client.get("/api/status", headers={"Authorization": "Bearer tok"}).status_code == 200
        assert client.post("/api/checks/quick_check/run").status_code == 401
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_an_address_in_use_is_a_config_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        error = find(start_error(tmp_path, {"api": {"port": port}}), ConfigError)
    assert error is not None and f"api.port: cannot listen on 127.0.0.1:{port}" in str(error)


def test_the_server_needs_asyncio(tmp_path: Path) -> None:
    error = find(start_error(tmp_path, {"api": {"port": 0}}, backend="trio"), RuntimeError)
    assert error is not None and "asyncio" in str(error)


def test_the_event_loop_answers_while_checks_block(server: Any) -> None:
    server.client.post("/api/checks/gated_check/run?wait=false").raise_for_status()
    worst = 0.0
    for _ in range(20):
        began = time.perf_counter()
        assert server.client.get("/api/status").status_code == 200
        worst = max(worst, time.perf_counter() - began)
    assert worst < 0.5
    assert server.client.get("/api/checks/gated_check").json()["running"] is True


def test_stop_is_prompt_with_a_blocked_check_and_a_waiting_request(server: Any) -> None:
    answers: list[Any] = []

    def wait_for_run() -> None:
        try:
            answers.append(server.client.post("/api/checks/gated_check/run").status_code)
        except httpx.HTTPError as exc:
            answers.append(type(exc).__name__)

    waiter = threading.Thread(target=wait_for_run)
    waiter.start()
    server.wait_for(lambda: server.client.get("/api/checks/gated_check").json()["running"])
    began = time.monotonic()
    server.daemon.stop()
    waiter.join(15)
    assert time.monotonic() - began < 10
    assert answers and answers[0] in (503, "RemoteProtocolError", "ReadError")
    server.wait_for(lambda: server_address(server.daemon) is None)
    assert time.monotonic() - began < 10


def test_autocode_daemon_serves_http(tmp_path: Path) -> None:
    (tmp_path / "autocode.toml").write_text("[daemon]\nrun_at_start = false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autocode_core.cli",
            "daemon",
            "-C",
            str(tmp_path),
            "--port",
            "0",
            "--log-format",
            "json",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        assert process.stderr is not None
        url = None
        deadline = time.monotonic() + 20
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            event = json.loads(line)
            if event.get("event") == "http_server_started":
                url = event["url"]
        assert url, "the daemon did not log http_server_started"
        with httpx.Client(base_url=url) as client:
            assert client.get("/health/live").status_code == 200
            assert client.get("/").status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_small_responses_are_not_delayed_by_nagle(server: Any) -> None:
    server.client.get("/api/status")
    timings = []
    for _ in range(30):
        began = time.perf_counter()
        server.client.get("/health/live").raise_for_status()
        timings.append(time.perf_counter() - began)
    timings.sort()
    assert timings[len(timings) // 2] < 0.02  # a delayed ACK would make it 40 ms
