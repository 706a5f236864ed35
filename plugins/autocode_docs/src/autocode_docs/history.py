"""When was code or a document last changed: from git history, or from file times.

Both sources answer the same two questions for ``freshness``:

* ``file_verdict(code, doc)``: is the document of one code file behind it?
* ``folder_verdict(folder, codes, doc)``: is a folder's (or the project's)
  document behind the code under it?

and ``last_change(doc)`` for the docs index.

``GitHistory``: a document is behind when its code changed after the
document's last content change, either in a later commit or in the work tree
(uncommitted edits, untracked files). A document with uncommitted edits is
being worked on and counts as current. ``commits_behind`` counts the commits
touching the code since the document last changed. File times play no part,
so a checkout, a ``touch`` or a formatter run that leaves contents alone
changes nothing.

``MtimeHistory``: a document is behind when a code file's modification time
is later than the document's; ``commits_behind`` is ``None``.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from autocode_docs.git_snapshot import GitSnapshot
from autocode_docs.layout import Layout

__all__ = ["GitHistory", "History", "MtimeHistory", "Verdict", "iso_time"]


@dataclass(frozen=True)
class Verdict:
    """Whether a document is behind its code, and by how much."""

    outdated: bool
    commits_behind: int | None = None
    uncommitted_changes: bool = False


def iso_time(seconds: float) -> str:
    """Unix time as an ISO 8601 UTC string, to the second."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


class History(Protocol):
    """What ``freshness`` needs from a history source."""

    mode: str
    note: str | None

    def file_verdict(self, code: str, doc: str) -> Verdict: ...

    def folder_verdict(self, folder: str | None, codes: list[str], doc: str) -> Verdict: ...

    def last_change(self, doc: str) -> str | None: ...

    def is_uncommitted(self, path: str) -> bool: ...


class _Stats:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, float | None] = {}

    def mtime(self, path: str) -> float | None:
        if path not in self._cache:
            try:
                self._cache[path] = os.stat(self.root / path).st_mtime
            except OSError:
                self._cache[path] = None
        return self._cache[path]


class MtimeHistory:
    """File modification times (outside git, or when asked to)."""

    mode = "mtime"

    def __init__(self, root: Path, note: str | None = None) -> None:
        self.note = note
        self._stats = _Stats(root)

    def file_verdict(self, code: str, doc: str) -> Verdict:
        return self.folder_verdict(None, [code], doc)

    def folder_verdict(self, folder: str | None, codes: list[str], doc: str) -> Verdict:
        doc_time = self._stats.mtime(doc)
        newest = max((t for t in map(self._stats.mtime, codes) if t is not None), default=None)
        return Verdict(outdated=doc_time is not None and newest is not None and newest > doc_time)

    def last_change(self, doc: str) -> str | None:
        found = self._stats.mtime(doc)
        return None if found is None else iso_time(found)

    def is_uncommitted(self, path: str) -> bool:
        return False


class GitHistory:
    """Git history and work-tree state, from one ``GitSnapshot``."""

    mode = "git"
    note: str | None = None

    def __init__(self, root: Path, snapshot: GitSnapshot, layout: Layout) -> None:
        self.snapshot = snapshot
        self._stats = _Stats(root)
        self._folder_commits = self._commits_by_folder(snapshot, layout)
        self._deleted_by_folder: dict[str | None, bool] = {}
        for path in snapshot.deleted:
            if layout.is_code(path):
                for folder in layout.folders_of(path):
                    self._deleted_by_folder[folder] = True
                self._deleted_by_folder[None] = True

    @staticmethod
    def _commits_by_folder(snapshot: GitSnapshot, layout: Layout) -> dict[str | None, list[int]]:
        """Folder (``None``: the whole project) -> sorted commits touching code under it."""
        found: dict[str | None, set[int]] = {None: set()}
        for path, commits in snapshot.log.touches.items():
            if not layout.is_code(path):
                continue
            found[None].update(commits)
            for folder in layout.folders_of(path):
                found.setdefault(folder, set()).update(commits)
        return {folder: sorted(commits) for folder, commits in found.items()}

    def _doc_commit(self, doc: str) -> int:
        last = self.snapshot.log.last_change(doc)
        # a tracked document older than the log window is older than every commit in it
        return len(self.snapshot.log.commits) if last is None else last

    def file_verdict(self, code: str, doc: str) -> Verdict:
        if self.snapshot.is_changed(doc):
            return Verdict(outdated=False, commits_behind=0)
        behind = len(self.snapshot.log.changes_since(code, self._doc_commit(doc)))
        uncommitted = self.snapshot.is_changed(code)
        return Verdict(
            outdated=bool(behind or uncommitted),
            commits_behind=behind,
            uncommitted_changes=uncommitted,
        )

    def folder_verdict(self, folder: str | None, codes: list[str], doc: str) -> Verdict:
        """``folder=None`` is the project index: it follows tracked code only."""
        if self.snapshot.is_changed(doc):
            return Verdict(outdated=False, commits_behind=0)
        since = self._doc_commit(doc)
        behind = bisect_left(self._folder_commits.get(folder, []), since)
        if folder is None:
            uncommitted = any(c in self.snapshot.dirty for c in codes)
        else:
            uncommitted = any(self.snapshot.is_changed(c) for c in codes)
        uncommitted = uncommitted or self._deleted_by_folder.get(folder, False)
        return Verdict(
            outdated=bool(behind or uncommitted),
            commits_behind=behind,
            uncommitted_changes=uncommitted,
        )

    def last_change(self, doc: str) -> str | None:
        if self.snapshot.is_changed(doc):
            found = self._stats.mtime(doc)
            return None if found is None else iso_time(found)
        last = self.snapshot.log.last_change(doc)
        return None if last is None else iso_time(self.snapshot.log.commits[last].time)

    def is_uncommitted(self, path: str) -> bool:
        return self.snapshot.is_changed(path)
