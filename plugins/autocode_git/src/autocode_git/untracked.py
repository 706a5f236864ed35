"""The diff of an untracked file, as ``git diff --no-index /dev/null <file>`` would show it.

Built in Python from the file's content, so 2,000 untracked files cost no
git process each. A file is binary, as git decides by default, when its
first 8,000 bytes hold a NUL. Only the first ``max_bytes`` of text are kept;
lines are counted over the whole file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["UntrackedDiff", "untracked_diff"]

_SNIFF_BYTES = 8000
_CHUNK = 1 << 20


@dataclass(frozen=True)
class UntrackedDiff:
    """``additions`` is ``None`` for binary files; ``patch`` may be cut to ``max_bytes``
    (``truncated``); ``size`` is the whole patch's size in bytes."""

    additions: int | None
    binary: bool
    patch: str
    truncated: bool
    size: int


def _header(path: str) -> str:
    return f"diff --git a/{path} b/{path}\nnew file mode 100644\n"


def untracked_diff(file: Path, path: str, max_bytes: int) -> UntrackedDiff:
    """The new-file diff of ``file`` (shown as ``path``), its text capped near ``max_bytes``.

    A symbolic link's content is its target, as in git. A folder (an
    untracked nested repository) has an empty diff.

    :raises OSError: the file cannot be read.
    """
    if file.is_symlink():
        data = os.fsencode(os.readlink(file))
        return _text_diff(path, data, data.count(b"\n"), len(data), data.endswith(b"\n"), max_bytes)
    if file.is_dir():
        return UntrackedDiff(None, False, "", False, 0)
    with file.open("rb") as handle:
        head = handle.read(max(_SNIFF_BYTES, max_bytes + 1))
        if b"\0" in head[:_SNIFF_BYTES]:
            text = _header(path) + f"Binary files /dev/null and b/{path} differ\n"
            return UntrackedDiff(
                None, True, text, False, len(text.encode("utf-8", "surrogateescape"))
            )
        newlines = head.count(b"\n")
        size = len(head)
        last = head[-1:]
        while chunk := handle.read(_CHUNK):
            newlines += chunk.count(b"\n")
            size += len(chunk)
            last = chunk[-1:]
    return _text_diff(path, head, newlines, size, last == b"\n", max_bytes)


_NO_NEWLINE = "\\ No newline at end of file\n"


def _text_diff(
    path: str, head: bytes, newlines: int, size: int, ends_with_newline: bool, max_bytes: int
) -> UntrackedDiff:
    header = _header(path) + f"--- /dev/null\n+++ b/{path}\n"
    if size == 0:
        text = _header(path)
        return UntrackedDiff(0, False, text, False, len(text.encode("utf-8", "surrogateescape")))
    lines = newlines + (0 if ends_with_newline else 1)
    header += "@@ -0,0 +1 @@\n" if lines == 1 else f"@@ -0,0 +1,{lines} @@\n"
    header_size = len(header.encode("utf-8", "surrogateescape"))
    full_size = header_size + size + lines + (0 if ends_with_newline else 1 + len(_NO_NEWLINE))
    complete = size <= len(head)
    body = head.decode("utf-8", "replace")
    parts = body.split("\n")
    if body.endswith("\n"):
        parts.pop()
    text = header + "".join(f"+{part}\n" for part in parts)
    if complete and not ends_with_newline:
        text += _NO_NEWLINE
    if complete and full_size <= max_bytes:
        return UntrackedDiff(lines, False, text, False, full_size)
    return UntrackedDiff(lines, False, cut_at_line(text, max_bytes), True, full_size)


def cut_at_line(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes, at the end of a line when possible."""
    encoded = text.encode("utf-8", "surrogateescape")
    if len(encoded) <= max_bytes:
        return text
    cut = encoded[:max_bytes]
    newline = cut.rfind(b"\n")
    if newline >= 0:
        cut = cut[: newline + 1]
    return cut.decode("utf-8", "ignore")
