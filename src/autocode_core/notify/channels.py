"""Delivering one notification on one channel: generic webhook, Slack, e-mail.

Each sender takes the ``NotificationConfig`` and a ``Notification`` and
raises on failure; ``deliver`` adds the timeout, the bounded retry and the
redaction of secrets from error messages.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from pydantic import BaseModel

from autocode_core.config.models import NotificationConfig

__all__ = ["SENDERS", "Notification", "deliver", "redact"]


class Notification(BaseModel):
    """An incident (``consecutive_errors`` errors in a row) or a recovery of one check."""

    event: str  # "incident" | "recovery"
    check_name: str
    status: str
    message: str
    consecutive_errors: int
    timestamp: str
    project_root: str

    @property
    def text(self) -> str:
        """One human line."""
        if self.event == "incident":
            return (f"🔴 autocode: {self.check_name} failed {self.consecutive_errors} times in a row "
                    f"in {self.project_root}: {self.message}")
        return (f"✅ autocode: {self.check_name} recovered after {self.consecutive_errors} failed runs "
                f"in {self.project_root}: {self.message}")


def _post_json(url: str, payload: dict[str, Any], timeout: float) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "autocode"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


def send_webhook(config: NotificationConfig, note: Notification) -> None:
    """POST the notification as JSON to ``webhook_url``."""
    assert config.webhook_url is not None
    _post_json(config.webhook_url.get_secret_value(), {**note.model_dump(), "text": note.text},
               config.timeout_seconds)


def send_slack(config: NotificationConfig, note: Notification) -> None:
    """POST a Slack incoming-webhook message to ``slack_webhook``."""
    assert config.slack_webhook is not None
    _post_json(config.slack_webhook.get_secret_value(), {"text": note.text}, config.timeout_seconds)


def send_email(config: NotificationConfig, note: Notification) -> None:
    """Send the notification by SMTP (plain, STARTTLS or SSL; login if a user is set)."""
    mail = EmailMessage()
    mail["From"] = config.email_sender
    mail["To"] = ", ".join(config.email_recipients)
    subject = "incident" if note.event == "incident" else "recovered"
    mail["Subject"] = f"[autocode] {note.check_name} {subject}"
    mail.set_content(f"{note.text}\n\nstatus: {note.status}\ntime: {note.timestamp}\n")
    context = ssl.create_default_context(cafile=config.smtp_ca_file)
    smtp_class = smtplib.SMTP_SSL if config.smtp_security == "ssl" else smtplib.SMTP
    kwargs: dict[str, Any] = {"timeout": config.timeout_seconds}
    if config.smtp_security == "ssl":
        kwargs["context"] = context
    with smtp_class(config.smtp_host, config.smtp_port, **kwargs) as smtp:
        if config.smtp_security == "starttls":
            smtp.starttls(context=context)
        if config.smtp_username:
            password = config.smtp_password.get_secret_value() if config.smtp_password else ""
            smtp.login(config.smtp_username, password)
        smtp.send_message(mail)


SENDERS: dict[str, Callable[[NotificationConfig, Notification], None]] = {
    "webhook": send_webhook,
    "slack": send_slack,
    "email": send_email,
}


def redact(text: str, config: NotificationConfig) -> str:
    """``text`` with every configured secret replaced by ``***``."""
    for secret in (config.webhook_url, config.slack_webhook, config.smtp_password):
        if secret is not None and secret.get_secret_value():
            text = text.replace(secret.get_secret_value(), "***")
    return text


def deliver(
    channel: str, config: NotificationConfig, note: Notification, sleep: Callable[[float], None] = time.sleep
) -> tuple[bool, str | None, int]:
    """Send on one channel with up to ``max_retries`` retries (backoff 0.5 s, 1 s, 2 s...).

    :return: ``(delivered, last error with secrets redacted, attempts)``; never raises.
    """
    error: str | None = None
    attempts = 0
    for attempt in range(config.max_retries + 1):
        attempts += 1
        try:
            SENDERS[channel](config, note)
            return True, None, attempts
        except (OSError, smtplib.SMTPException, urllib.error.URLError, ValueError) as exc:
            error = redact(f"{type(exc).__name__}: {exc}", config)
        if attempt < config.max_retries:
            sleep(0.5 * 2**attempt)
    return False, error, attempts
