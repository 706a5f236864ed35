"""Senders, retry and redaction, against real local servers."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from autocode_core import NotificationConfig
from autocode_core.notification_channels import Notification, deliver, redact

NOTE = Notification(event="incident", check_name="c", status="error", message="❌ broke",
                    consecutive_errors=3, timestamp="2026-01-01T00:00:00+00:00", project_root="/p")


def flaky_server(failures: int) -> tuple[ThreadingHTTPServer, list]:
    seen: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(500 if len(seen) <= failures else 200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def test_retry_until_delivered() -> None:
    server, seen = flaky_server(failures=1)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook/abc123"
        config = NotificationConfig(channels=["webhook"], webhook_url=url, max_retries=2)
        sleeps: list[float] = []
        assert deliver("webhook", config, NOTE, sleep=sleeps.append) == (True, None, 2)
        assert sleeps == [0.5] and seen[-1]["event"] == "incident" and "failed 3 times" in seen[-1]["text"]
    finally:
        server.shutdown()
        server.server_close()


def test_bounded_retry_and_redacted_errors() -> None:
    server, seen = flaky_server(failures=99)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook/abc123"
        config = NotificationConfig(channels=["slack"], slack_webhook=url, max_retries=2)
        ok, error, attempts = deliver("slack", config, NOTE, sleep=lambda s: None)
        assert (ok, attempts, len(seen)) == (False, 3, 3) and "HTTP Error 500" in error
        assert seen[0] == {"text": NOTE.text}
    finally:
        server.shutdown()
        server.server_close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = NotificationConfig(channels=["webhook"], webhook_url=f"http://127.0.0.1:{port}/x/abc123", max_retries=0)
    ok, error, attempts = deliver("webhook", config, NOTE)
    assert not ok and attempts == 1 and "abc123" not in error
    assert redact(f"boom http://127.0.0.1:{port}/x/abc123", config) == "boom ***"
