"""The built-in notifications listener (the design document's ``NotificationConfig``).

Registered through the same plugin manager as every other plugin (plugin name
``notifications``; ``disable_plugins = ["notifications"]`` removes it). After
``error_threshold`` consecutive errors of a check it sends one notification per
incident, and one when the check recovers; never one per failed run. The
streak is read from the run history on first sight of a check, so a restart
(or a one-shot ``autocode check``) neither repeats nor forgets an incident.

It runs as an ``on_check_completed`` listener, so sending happens off the
scheduler's path; each channel gets a timeout and a bounded retry, and a
failing channel is logged (secrets redacted) and reported in health.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import anyio
import structlog

from autocode_core.plugin.check_plugin import CheckPlugin
from autocode_core.config.models import NotificationConfig
from autocode_core.models import CheckResult, utc_now
from autocode_core.notify.channels import Notification, deliver

__all__ = ["NotificationPlugin"]

log = structlog.get_logger("autocode.notifications")


@dataclass
class _Streak:
    errors: int = 0
    open: bool = False


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
        self._streaks: dict[str, _Streak] = {}
        self._lock = threading.Lock()
        self.channels: dict[str, ChannelHealth] = {}

    def health(self) -> dict[str, Any]:
        """Per channel: messages sent, failures, and the last error (secrets redacted)."""
        return {name: {"sent": h.sent, "failed": h.failed, "last_error": h.last_error,
                       "last_attempt": h.last_attempt} for name, h in sorted(self.channels.items())}

    def _streak(self, check_name: str, result: CheckResult, threshold: int) -> _Streak:
        streak = self._streaks.get(check_name)
        if streak is None:
            history = getattr(self.daemon, "history", None)
            before = history.consecutive_errors(check_name, skip_latest=True) if history is not None else 0
            streak = self._streaks[check_name] = _Streak(before, before >= threshold)
        return streak

    async def on_check_completed(self, check_name: str, result: CheckResult) -> None:
        """Count the streak of errors; notify when an incident opens and when it closes.

        Returns at once when notifications are off; otherwise the history
        lookup and the sending happen in a worker thread."""
        config = getattr(getattr(self.daemon, "config", None), "notifications", None)
        if config is None or not config.enabled or not config.channels:
            return
        await anyio.to_thread.run_sync(self._handle, config, check_name, result, abandon_on_cancel=True)

    def _handle(self, config: NotificationConfig, check_name: str, result: CheckResult) -> None:
        with self._lock:
            streak = self._streak(check_name, result, config.error_threshold)
            event = None
            if result.status == "error":
                streak.errors += 1
                if streak.errors >= config.error_threshold and not streak.open:
                    streak.open, event = True, "incident"
            else:
                if streak.open:
                    event = "recovery"
                errors = streak.errors
                streak.errors, streak.open = 0, False
        if event is None:
            return
        note = Notification(
            event=event,
            check_name=check_name,
            status=result.status,
            message=result.message,
            consecutive_errors=streak.errors if event == "incident" else errors,
            timestamp=(result.timestamp or utc_now()).isoformat(),
            project_root=str(getattr(self.daemon, "project_root", "")),
        )
        for channel in config.channels:
            ok, error, attempts = deliver(channel, config, note)
            health = self.channels.setdefault(channel, ChannelHealth())
            health.last_attempt = utc_now().isoformat()
            if ok:
                health.sent += 1
                log.info("notification_sent", channel=channel, check=check_name, kind=event)
            else:
                health.failed += 1
                health.last_error = error
                log.error("notification_failed", channel=channel, check=check_name, kind=event,
                          attempts=attempts, error=error)
