"""Recognising the operating system's watch limit."""

from __future__ import annotations

import errno

from autocode_core.watch.limits import WATCH_LIMIT_HINT, is_watch_limit_error


def test_inotify_limit_errors_are_recognised() -> None:
    assert is_watch_limit_error(OSError(errno.ENOSPC, "No space left on device"))
    assert is_watch_limit_error(OSError(errno.EMFILE, "Too many open files"))
    assert is_watch_limit_error(OSError("OS file watch limit reached. about [\"/p\"]"))


def test_other_errors_are_not() -> None:
    assert not is_watch_limit_error(OSError(errno.EACCES, "Permission denied"))
    assert not is_watch_limit_error(FileNotFoundError(errno.ENOENT, "gone"))
    assert not is_watch_limit_error(ValueError("watch limit"))


def test_the_hint_names_the_limit_and_both_fixes() -> None:
    assert "max_user_watches" in WATCH_LIMIT_HINT and "force_polling" in WATCH_LIMIT_HINT
