"""The built-in notifications listener (configured by ``NotificationConfig``).

Registered through the same plugin manager as every other plugin (plugin name
``notifications``; ``disable_plugins = ["notifications"]`` removes it). After
``error_threshold`` consecutive errors of a check it sends one notification per
incident, and one when the check recovers; never one per failed run. The
streak arrives with each ``CompletedRun`` (the result store keeps it across
restarts through the history), so a restart or a one-shot ``autocode check``
neither repeats nor forgets an incident.

It runs as an ``on_check_completed`` listener, so sending happens off the
scheduler's path; each channel gets a timeout and a bounded retry, and a
failing channel is logged (secrets redacted) and reported in health.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import structlog

from autocode_core.config.models import NotificationConfig
from autocode_core.models import CheckResult, CompletedRun, utc_now
from autocode_core.plugin.check_plugin import CheckPlugin

if TYPE_CHECKING:
    from autocode_core.notify.channels import Notification

__all__ = ["NotificationPlugin"]

log = structlog.get_logger("autocode.notifications")


@dataclass
class ChannelHealth:
    """Delivery counters of one channel."""

    sent: int = 0
    failed: int = 0
    last_error: str | None = None
    last_attempt: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class NotificationPlugin(CheckPlugin):
    """Sends incident and recovery notifications."""

    def __init__(self, daemon: Any = None) -> None:
        super().__init__(daemon)
        self.channels: dict[str, ChannelHealth] = {}
        self._lock = threading.Lock()

    def health(self) -> dict[str, Any]:
        """Per channel: messages sent, failures, and the last error (secrets redacted)."""
        with self._lock:
            return {name: {"sent": h.sent, "failed": h.failed, "last_error": h.last_error,
                           "last_attempt": h.last_attempt} for name, h in sorted(self.channels.items())}

    async def on_check_completed(
        self, check_name: str, result: CheckResult, run: CompletedRun | None = None
    ) -> None:
        """Notify when a check's streak of errors reaches the threshold, and when it ends.

        The streak comes with the run (kept across restarts through the
        history), so nothing is counted here. Returns at once when
        notifications are off; sending happens in a worker thread."""
        if run is None:  # called by hand, without the run: no streak to judge
            return
        config = getattr(run.config, "notifications", None)
        if not isinstance(config, NotificationConfig) or not config.enabled or not config.channels:
            return
        threshold = config.error_threshold
        if run.consecutive_errors >= threshold > run.previous_errors:
            event, streak = "incident", run.consecutive_errors
        elif result.status != "error" and run.previous_errors >= threshold:
            event, streak = "recovery", run.previous_errors
        else:
            return
        from autocode_core.notify.channels import Notification  # smtplib, ssl: only when sending

        note = Notification(
            event=event,
            check_name=check_name,
            status=result.status,
            message=result.message,
            consecutive_errors=streak,
            timestamp=(result.timestamp or utc_now()).isoformat(),
            project_root=str(run.project_root),
        )
        await anyio.to_thread.run_sync(self._send, config, note, abandon_on_cancel=True)

    def _send(self, config: NotificationConfig, note: Notification) -> None:
        from autocode_core.notify.channels import deliver

        for channel in config.channels:
            ok, error, attempts = deliver(channel, config, note)
            with self._lock:
                health = self.channels.setdefault(channel, ChannelHealth())
                health.last_attempt = utc_now().isoformat()
                if ok:
                    health.sent += 1
                else:
                    health.failed += 1
                    health.last_error = error
            if ok:
                log.info("notification_sent", channel=channel, check=note.check_name, kind=note.event)
            else:
                log.error("notification_failed", channel=channel, check=note.check_name,
                          kind=note.event, attempts=attempts, error=error)
