"""No request can move a secret somewhere new (issue 14, item 11), tested against a real
SMTP server standing in for an attacker's: the configured password never reaches it."""

from __future__ import annotations

import socket
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from autocode_core import CheckPlugin, CheckResult

PASSWORD = "the-real-smtp-password"


class AlwaysFails(CheckPlugin):
    name = "fails_check"
    interval_minutes = 600

    def execute(self, context: Any) -> CheckResult:
        return CheckResult(status="error", message="❌ broken")


class Capture:
    """An SMTP server that records every login and message it is sent."""

    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> AuthResult:
        self.logins.append((auth.login, auth.password))
        return AuthResult(success=True)


def test_notification_destinations_and_credentials_cannot_be_patched(make_server: Any) -> None:
    capture = Capture()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        capture, hostname="127.0.0.1", port=port, authenticator=capture.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        server = make_server(
            {
                "notifications": {
                    "enabled": True, "error_threshold": 1, "channels": ["email"],
                    "email_recipients": ["team@example.com"], "smtp_host": "127.0.0.1",
                    "smtp_port": 1, "smtp_username": "autocode", "smtp_password": PASSWORD,
                    "max_retries": 0, "timeout_seconds": 1,
                }
            },
            plugins=[AlwaysFails],
        )
        for change in (
            {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"},
            {"smtp_port": port},
            {"smtp_username": "someone"},
            {"webhook_url": f"http://127.0.0.1:{port}/steal", "channels": ["webhook"]},
            {"slack_webhook": "http://evil.example/x"},
            {"email_recipients": ["attacker@example.com"]},
        ):
            response = server.client.patch("/api/config", json={"notifications": change})
            assert response.status_code == 422, change
            kinds = {p["type"] for p in response.json()["detail"]}
            assert "forbidden" in kinds, response.json()
        config = server.client.get("/api/config").json()["notifications"]
        assert config["smtp_port"] == 1 and config["email_recipients"] == ["team@example.com"]
        ok = server.client.patch("/api/config", json={"notifications": {"error_threshold": 2}})
        assert ok.status_code == 200  # what is not a destination stays changeable
        server.client.post("/api/checks/fails_check/run")
        server.client.post("/api/checks/fails_check/run")
        assert capture.logins == [] and capture.messages == []
    finally:
        controller.stop()
