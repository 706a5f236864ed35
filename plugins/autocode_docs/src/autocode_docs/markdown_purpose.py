"""Read a document's title and purpose from its Markdown.

* Title: the text of the first ``# `` heading (outside fenced code blocks).
* Purpose: the first non-blank line under a level-2 heading that reads
  ``🎯 Propósito`` (optionally followed by more words, such as "del Módulo")
  or ``Purpose``, case-insensitive, with Markdown emphasis (``**b**``,
  ``*i*``, ``__b__``, ``_i_``, ``~~s~~``) and inline-code backticks removed
  and whitespace collapsed. ``None`` when the heading is absent or followed
  directly by another heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["extract_purpose", "extract_title", "strip_emphasis"]

_PURPOSE_HEADING = re.compile(r"^##\s+(?:🎯\s*)?(?:prop[óo]sito|purpose)\b", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")
_EMPHASIS = [
    re.compile(r"\*\*(.+?)\*\*"),
    re.compile(r"__(.+?)__"),
    re.compile(r"~~(.+?)~~"),
    re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"),
    re.compile(r"`([^`]+)`"),
]


def strip_emphasis(text: str) -> str:
    """``text`` without Markdown emphasis markers and backticks, whitespace collapsed."""
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return " ".join(text.split())


def _lines_outside_fences(text: str) -> Iterator[str]:
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def extract_title(text: str) -> str | None:
    """The first ``# `` heading's text, or ``None``."""
    for line in _lines_outside_fences(text):
        if line.startswith("# "):
            title = strip_emphasis(line[2:].strip().rstrip("#").strip())
            return title or None
    return None


def extract_purpose(text: str) -> str | None:
    """The first line under the purpose heading, emphasis removed; see the module docstring."""
    lines = iter(_lines_outside_fences(text))
    for line in lines:
        if _PURPOSE_HEADING.match(line.strip()):
            break
    else:
        return None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            return None
        return strip_emphasis(stripped) or None
    return None
