"""When was code or a document last changed: from git history, or from file times.

Both sources answer the same two questions for ``freshness``:

* ``file_verdict(code, doc)``: is the document of one code file behind it?
* ``folder_verdict(folder, codes, doc)``: is a folder's (or the project's)
  document behind the code under it?

and ``last_change(doc)`` for the docs index.

``GitHistory``: a document is behind when a commit that changed its code
is not an ancestor of a commit that changed the document (``ancestry``:
merges are judged by the graph, not by dates), or when the code has work-tree
changes (uncommitted edits, untracked files). A document with uncommitted
edits is being worked on and counts as current. ``commits_behind`` counts
those unseen non-merge commits (``git rev-list --no-merges <doc commit>..HEAD
-- <code>``). In a shallow clone what lies beyond the history's horizon is
``unknown`` (``Verdict.unknown``). File times play no part,
so a checkout, a ``touch`` or a formatter run that leaves contents alone
changes nothing.

``MtimeHistory``: a document is behind when a code file's modification time
is later than the document's; ``commits_behind`` is ``None``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from autocode_docs.ancestry import Ancestry
from autocode_docs.git_snapshot import GitSnapshot
from autocode_docs.layout import Layout

__all__ = ["GitHistory", "History", "MtimeHistory", "Verdict", "iso_time"]


@dataclass(frozen=True)
class Verdict:
    """Whether a document is behind its code, and by how much."""

    outdated: bool
    commits_behind: int | None = None
    uncommitted_changes: bool = False
    unknown: bool = False


#: the verdict of a document that has seen all of its code (shared: verdicts are frozen)
_CURRENT = Verdict(outdated=False, commits_behind=0)


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
    """Git history and work-tree state, from one ``GitSnapshot``.

    In a shallow clone (``snapshot.boundary``: the commits where history
    stops) a change recorded at a boundary commit may be older than it
    looks, so a verdict that rests on one is ``unknown``, never up to date.
    """

    note: str | None = None

    def __init__(self, root: Path, snapshot: GitSnapshot, layout: Layout) -> None:
        self.snapshot = snapshot
        self.mode = "shallow" if snapshot.shallow else "git"
        if snapshot.shallow:
            self.note = (
                "shallow clone: history stops at "
                f"{len(snapshot.boundary) or 'its first'} commit(s); documents whose "
                "order against their code lies beyond it are 'unknown' "
                "(git fetch --unshallow to judge them)"
            )
        self._stats = _Stats(root)
        self._commit_times: dict[int, str] = {}
        self._folder_commits = self._commits_by_folder(snapshot, layout)
        self._deleted_by_folder: dict[str | None, bool] = {}
        for path in snapshot.deleted:
            if layout.is_code(path):
                for folder in layout.folders_of(path):
                    self._deleted_by_folder[folder] = True
                self._deleted_by_folder[None] = True
        log = snapshot.log
        self.ancestry = Ancestry(
            log,
            lambda: {c for path, cs in log.changes.items() if layout.in_docs(path) for c in cs},
        )

    @staticmethod
    def _commits_by_folder(snapshot: GitSnapshot, layout: Layout) -> dict[str | None, list[int]]:
        """Folder (``None``: the whole project) -> sorted commits touching code under it."""
        by_parent: dict[str, set[int]] = {}  # parent folder -> commits touching its code
        example: dict[str, str] = {}  # parent folder -> one code path in it
        touches = snapshot.log.touches
        for path in layout.code_files(touches):
            parent = path.rpartition("/")[0]
            commits = by_parent.get(parent)
            if commits is None:
                by_parent[parent] = set(touches[path])
                example[parent] = path
            else:
                commits.update(touches[path])
        found: dict[str | None, set[int]] = {None: set()}
        for parent, commits in by_parent.items():
            found[None].update(commits)
            for folder in layout.folders_of(example[parent]):
                found.setdefault(folder, set()).update(commits)
        return {folder: sorted(commits) for folder, commits in found.items()}

    def _verdict(self, code_commits: list[int], doc: str, uncommitted: bool) -> Verdict:
        """Code commits the document has not seen (ancestry), and what they prove."""
        doc_commits = self.snapshot.log.changes.get(doc, [])
        unseen = self.ancestry.unseen(code_commits, doc_commits)
        if not unseen and not uncommitted and not self.snapshot.shallow:
            return _CURRENT
        boundary = self.snapshot.boundary
        known = [c for c in unseen if c not in boundary] if boundary else unseen
        unknown = False
        if self.snapshot.shallow and not known:
            doc_known = any(c not in boundary for c in doc_commits)
            unknown = len(known) != len(unseen) or (not doc_known and bool(code_commits))
        return Verdict(
            outdated=bool(known or uncommitted),
            commits_behind=len(known),
            uncommitted_changes=uncommitted,
            unknown=unknown and not uncommitted,
        )

    def file_verdict(self, code: str, doc: str) -> Verdict:
        if self.snapshot.is_changed(doc):
            return _CURRENT
        commits = self.snapshot.log.changes.get(code, [])
        return self._verdict(commits, doc, self.snapshot.is_changed(code))

    def folder_verdict(self, folder: str | None, codes: list[str], doc: str) -> Verdict:
        """``folder=None`` is the project index: it follows tracked code only."""
        if self.snapshot.is_changed(doc):
            return _CURRENT
        if folder is None:
            uncommitted = any(c in self.snapshot.dirty for c in codes)
        else:
            uncommitted = any(self.snapshot.is_changed(c) for c in codes)
        uncommitted = uncommitted or self._deleted_by_folder.get(folder, False)
        return self._verdict(self._folder_commits.get(folder, []), doc, uncommitted)

    def last_change(self, doc: str) -> str | None:
        if self.snapshot.is_changed(doc):
            found = self._stats.mtime(doc)
            return None if found is None else iso_time(found)
        last = self.snapshot.log.last_change(doc)
        if last is None:
            return None
        shown = self._commit_times.get(last)
        if shown is None:  # many documents share a commit
            shown = self._commit_times[last] = iso_time(self.snapshot.log.commits[last].time)
        return shown

    def is_uncommitted(self, path: str) -> bool:
        return self.snapshot.is_changed(path)
