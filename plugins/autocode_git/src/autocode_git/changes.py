"""The change records of the summary, and how a file's changes are classified."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CATEGORIES", "Change", "status_word"]

_WORDS = {
    "M": "modified",
    "T": "type_changed",
    "A": "added",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "U": "conflicted",
    "?": "untracked",
}

#: every status a change or a file can have, in the order counts are shown
CATEGORIES = (
    "modified",
    "added",
    "deleted",
    "renamed",
    "copied",
    "type_changed",
    "untracked",
    "conflicted",
)


def status_word(letter: str) -> str:
    """git's status letter (``M``, ``A``, ...) as a word (``modified``, ``added``, ...)."""
    return _WORDS.get(letter, "modified")


@dataclass
class Change:
    """One side of one file's change: staged (index vs HEAD) or not (work tree vs index).

    A file both staged and modified again has two changes. ``diff`` is capped
    (``diff_truncated``; ``diff_bytes`` is the whole diff's size). ``tokens``
    is ``None`` when not counted (token counting off, or ``token_excluded``).
    """

    file: str
    status: str
    staged: bool
    additions: int | None
    deletions: int | None
    binary: bool
    diff: str
    diff_truncated: bool = False
    diff_bytes: int = 0
    old_file: str | None = None
    tokens: int | None = None
    token_excluded: bool = False

    def to_json(self) -> dict[str, Any]:
        """The change as written in ``git_changes.json`` (keys in a fixed order)."""
        data: dict[str, Any] = {
            "file": display_path(self.file),
            "status": self.status,
            "staged": self.staged,
            "additions": self.additions,
            "deletions": self.deletions,
        }
        if self.old_file is not None:
            data["old_file"] = display_path(self.old_file)
        data.update(
            binary=self.binary,
            tokens=self.tokens,
            diff_truncated=self.diff_truncated,
            diff_bytes=self.diff_bytes,
        )
        if self.token_excluded:
            data["token_excluded"] = True
        data["diff"] = self.diff
        return data


def display_path(path: str) -> str:
    """A path as shown in JSON: bytes that are not UTF-8 become U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
