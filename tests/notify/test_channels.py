"""Senders, retry and redaction, against real local servers."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from autocode_core import NotificationConfig
from autocode_core.notify.channels import Notification, deliver, redact

NOTE = Notification(event="incident", check_name="c", status="error", message="❌ broke",
                    consecutive_errors=3, timestamp="2026-01-01T00:00:00+00:00", project_root="/p")


def flaky_server(failures: int) -> tuple[ThreadingHTTPServer, list]:
    seen: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
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


class _Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((session.authenticated, envelope.content.decode()))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    ok = auth_data.login == b"autocode" and auth_data.password == b"pa55"
    return AuthResult(success=ok)


def test_email_over_starttls_with_login_and_over_ssl(tmp_path) -> None:
    import ssl

    import trustme
    from aiosmtpd.controller import Controller

    ca = trustme.CA()
    server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ssl)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    inbox = _Inbox()
    port = _free_port()
    starttls = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_ssl,
                          require_starttls=True, authenticator=_login, auth_required=True)
    starttls.start()
    try:
        config = NotificationConfig(
            channels=["email"], email_recipients=["ops@example.com"], smtp_host="127.0.0.1", smtp_port=port,
            smtp_security="starttls", smtp_username="autocode", smtp_password="pa55", smtp_ca_file=str(ca_file),
            max_retries=0,
        )
        assert deliver("email", config, NOTE) == (True, None, 1)
    finally:
        starttls.stop()
    assert inbox.messages[0][0] is True and "Subject: [autocode] c incident" in inbox.messages[0][1]

    port = _free_port()
    implicit = Controller(_Inbox(), hostname="127.0.0.1", port=port, ssl_context=server_ssl)
    implicit.start()
    try:
        config = NotificationConfig(channels=["email"], email_recipients=["ops@example.com"], smtp_host="127.0.0.1",
                                    smtp_port=port, smtp_security="ssl", smtp_ca_file=str(ca_file), max_retries=0)
        assert deliver("email", config, NOTE) == (True, None, 1)
        untrusted = NotificationConfig.model_validate({**config.model_dump(), "smtp_ca_file": None})
        ok, error, _ = deliver("email", untrusted, NOTE)
        assert not ok and "CERTIFICATE_VERIFY_FAILED" in error
    finally:
        implicit.stop()
