"""Recognising the operating system's file-watch limit (Linux ``fs.inotify.max_user_watches``)."""

from __future__ import annotations

import errno

__all__ = ["WATCH_LIMIT_HINT", "is_watch_limit_error"]

WATCH_LIMIT_HINT = (
    "the operating system's limit on watched folders was reached (on Linux: "
    "fs.inotify.max_user_watches); falling back to polling. Raise the limit "
    "(sysctl fs.inotify.max_user_watches=524288) or set daemon.watch.force_polling = true"
)


def is_watch_limit_error(exc: BaseException) -> bool:
    """True when ``exc`` says no more folders can be watched (inotify's ``ENOSPC``,
    ``EMFILE`` for instances, or watchfiles' "watch limit" message)."""
    if not isinstance(exc, OSError):
        return False
    if exc.errno in (errno.ENOSPC, errno.EMFILE):
        return True
    text = str(exc).lower()
    return "watch limit" in text or "max_user_watches" in text or "too many open files" in text
