"""Read a document's title and purpose from its Markdown.

* Title: the text of the first ``# `` heading (outside fenced code blocks).
* Purpose: the first non-blank line under a level-2 heading that reads
  ``🎯 Propósito`` (optionally followed by more words, such as "del Módulo")
  or ``Purpose``, case-insensitive, with Markdown emphasis (``**b**``,
  ``*i*``, ``__b__``, ``_i_``, ``~~s~~``) and inline-code backticks removed
  and whitespace collapsed. ``None`` when the heading is absent or followed
  directly by another heading.

reStructuredText (``rst_title``, ``rst_purpose``): a heading is a line
underlined (and optionally overlined) by a run of one punctuation character
at least as long as it; the title is the first heading, the purpose the
first paragraph line under a heading reading ``Purpose``/``Propósito``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["extract_purpose", "extract_title", "rst_purpose", "rst_title", "strip_emphasis"]

_PURPOSE_HEADING = re.compile(r"^##\s+(?:🎯\s*)?(?:prop[óo]sito|purpose)\b", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")
#: (marker, pattern), in the order they apply; a pattern runs only if its marker is in the text
_EMPHASIS = [
    ("*", re.compile(r"\*\*(.+?)\*\*")),
    ("_", re.compile(r"__(.+?)__")),
    ("~", re.compile(r"~~(.+?)~~")),
    ("*", re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")),
    ("_", re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])")),
    ("`", re.compile(r"`([^`]+)`")),
]


def strip_emphasis(text: str) -> str:
    """``text`` without Markdown emphasis markers and backticks, whitespace collapsed."""
    for marker, pattern in _EMPHASIS:
        if marker in text:
            text = pattern.sub(r"\1", text)
    return " ".join(text.split())


def _lines_outside_fences(text: str) -> Iterable[str]:
    if "```" not in text and "~~~" not in text:  # no fence at all: every line
        return text.splitlines()
    return _unfenced(text)


def _unfenced(text: str) -> Iterator[str]:
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
        if "##" in line and _PURPOSE_HEADING.match(line.strip()):
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


_RST_RULE = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")


def _rst_headings(text: str) -> list[tuple[int, str]]:
    """``(line index, heading text)`` of every underlined heading."""
    lines = text.splitlines()
    out = []
    for i in range(1, len(lines)):
        title = lines[i - 1].strip()
        underlined = _RST_RULE.match(lines[i]) and len(lines[i].rstrip()) >= len(title)
        if title and underlined and not _RST_RULE.match(lines[i - 1]):
            out.append((i, title))
    return out


def rst_title(text: str) -> str | None:
    """The first reStructuredText heading's text, or ``None``."""
    found = _rst_headings(text)
    return strip_emphasis(found[0][1]) or None if found else None


def rst_purpose(text: str) -> str | None:
    """The first line under a ``Purpose`` heading of a reStructuredText document."""
    lines = text.splitlines()
    headings = _rst_headings(text)
    starts = {i - 1 for i, _ in headings}
    for i, title in headings:
        if _PURPOSE_HEADING.match("## " + title):
            for j in range(i + 1, len(lines)):
                stripped = lines[j].strip()
                if j in starts:
                    return None
                if stripped and not _RST_RULE.match(stripped):
                    return strip_emphasis(stripped) or None
            return None
    return None
