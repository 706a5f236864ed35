"""Notifications with real receivers: a local HTTP server and a local SMTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anyio
import pytest
import structlog
from aiosmtpd.controller import Controller

from autocode_core import CheckPlugin, CheckResult, ConfigError
from autocode_core.testing import AutocodeHarness

SECRET = "s3cr3t-token-xyz"


class Receiver:
    """An HTTP server on 127.0.0.1 that records JSON POSTs (optionally slowly)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.posts: list[tuple[str, dict]] = []
        self.delay = delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                receiver.posts.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    with socket.socket() as probe:  # aiosmtpd needs a concrete port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


class Scripted(CheckPlugin):
    name = "scripted_check"
    script: list[str] = []

    def execute(self, context):
        status = Scripted.script.pop(0)
        return CheckResult(status=status, message="❌ broke" if status == "error" else "✅ fine")


def config(receiver: Receiver, smtp_port: int | None = None, **extra) -> dict:
    channels = ["webhook", "slack"] + (["email"] if smtp_port else [])
    notifications = {
        "enabled": True, "error_threshold": 3, "channels": channels,
        "webhook_url": receiver.url(f"/hook/{SECRET}"), "slack_webhook": receiver.url("/slack"),
        "email_recipients": ["team@example.com"], "smtp_host": "127.0.0.1", "smtp_port": smtp_port or 25,
        "max_retries": 1, "timeout_seconds": 2,
    } | extra
    return {"notifications": notifications, "daemon": {"run_at_start": False}}


def harness() -> AutocodeHarness:
    h = AutocodeHarness()
    h.register(Scripted)
    return h


@pytest.mark.anyio
async def test_three_errors_then_recovery_send_one_incident_and_one_recovery(tmp_path, receiver, smtp) -> None:
    box, port = smtp
    Scripted.script = ["error", "error", "error", "error", "error", "success", "success"]
    daemon = harness().daemon(tmp_path, config(receiver, port))
    async with daemon:
        for _ in range(7):
            await daemon.run_check("scripted_check")
        with anyio.fail_after(10):
            while len(receiver.posts) < 4 or len(box.messages) < 2:
                await anyio.sleep(0.02)
        await anyio.sleep(0.3)  # nothing more arrives
    hooks = [body for path, body in receiver.posts if path.startswith("/hook/")]
    slack = [body for path, body in receiver.posts if path == "/slack"]
    assert [h["event"] for h in hooks] == ["incident", "recovery"]
    assert hooks[0]["check_name"] == "scripted_check" and hooks[0]["consecutive_errors"] == 3
    assert hooks[1]["consecutive_errors"] == 5
    assert [list(s) for s in slack] == [["text"], ["text"]]
    assert "failed 3 times in a row" in slack[0]["text"] and "recovered" in slack[1]["text"]
    subjects = [m.content.decode().split("Subject: ")[1].splitlines()[0] for m in box.messages]
    assert subjects == ["[autocode] scripted_check incident", "[autocode] scripted_check recovered"]
    assert box.messages[0].rcpt_tos == ["team@example.com"]
    channels = daemon.get_health_metrics()["notifications"]["channels"]
    assert channels["webhook"]["sent"] == 2 and channels["email"]["failed"] == 0


def test_one_shot_runs_share_the_streak_through_history(tmp_path, receiver) -> None:
    Scripted.script = ["error"] * 5 + ["success"]
    for _ in range(6):  # a new daemon each time, as separate `autocode check` runs are
        harness().daemon(tmp_path, config(receiver)).run_check_manually("scripted_check")
    events = [body["event"] for path, body in receiver.posts if path.startswith("/hook/")]
    assert events == ["incident", "recovery"]


@pytest.mark.anyio
async def test_a_down_or_slow_receiver_never_delays_checks_and_shows_in_health(tmp_path) -> None:
    slow = Receiver(delay=1.5)
    dead = Receiver()
    dead_url = dead.url(f"/hook/{SECRET}")
    dead.close()  # nothing listens there any more
    try:
        Scripted.script = ["error"] * 6
        cfg = config(slow, webhook_url=dead_url)
        with structlog.testing.capture_logs() as logs:
            daemon = harness().daemon(tmp_path, cfg | {"daemon": {"run_at_start": False, "listener_timeout_seconds": 2}})
            async with daemon:
                started = time.monotonic()
                for _ in range(6):
                    await daemon.run_check("scripted_check")
                assert time.monotonic() - started < 1.5
                with anyio.fail_after(10):
                    while "webhook" not in daemon.get_health_metrics()["notifications"]["channels"]:
                        await anyio.sleep(0.05)
                health = daemon.get_health_metrics()["notifications"]["channels"]["webhook"]
        assert health["failed"] == 1 and "Connection refused" in health["last_error"]
        assert SECRET not in json.dumps(health) and SECRET not in json.dumps(logs, default=str)
    finally:
        slow.close()


def test_a_channel_without_its_target_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"notifications: Value error, channel\(s\) slack need slack_webhook"):
        harness().daemon(tmp_path, {"notifications": {"enabled": True, "channels": ["slack"]}})


def test_disabled_notifications_send_nothing(tmp_path, receiver) -> None:
    Scripted.script = ["error"] * 4
    cfg = config(receiver)
    cfg["notifications"]["enabled"] = False
    for _ in range(4):
        harness().daemon(tmp_path, cfg).run_check_manually("scripted_check")
    assert receiver.posts == []
