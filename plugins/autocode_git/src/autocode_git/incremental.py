"""Change-triggered runs of ``git_check`` read again only the files that changed.

``git status`` always runs (it is what says which files differ, and how).
The expensive part is reading each change: ``git diff`` for tracked files,
the file itself for an untracked one. ``ChangeCache`` keeps, per status
entry of the previous run, the entry, the work-tree file's signature
(``lstat``: modification time in ns, size, inode) and the changes read for
it. In a change-triggered run a path's changes are reused when all of these
hold, and read again otherwise:

* same ``HEAD``, project place, declared outputs and settings (``key``);
* the same status entry, including git's object names for the HEAD and
  index sides (``StatusEntry.objects``): the staged side is unchanged;
* the path (and a rename's source) is not among ``changed_paths``, and its
  work-tree signature is the same: the unstaged side is unchanged.

Conflicted paths are always read. So the answer is a full run's, with
``git diff`` limited to the paths that changed (``git diff`` cannot be told
"only what changed since" any other way). The cache lives in the check's
state folder (``changes_cache.pickle``); damaged, it is ignored.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autocode_core.toolkit import WorkTree, write_atomic
from autocode_git.changes import Change
from autocode_git.status import StatusEntry

__all__ = ["CHANGE_CACHE_NAME", "ChangeCache"]

CHANGE_CACHE_NAME = "changes_cache.pickle"
_FORMAT = 1

Signature = tuple[int, int, int] | None


def _signature(path: Path) -> Signature:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


@dataclass
class _Stored:
    format: int = _FORMAT
    key: str = ""
    entries: dict[str, tuple[StatusEntry, str, Signature, list[Change]]] = field(
        default_factory=dict
    )


class ChangeCache:
    """The previous run's changes by status entry (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stored = _Stored()
        with contextlib.suppress(Exception):
            found = pickle.loads(path.read_bytes())
            if isinstance(found, _Stored) and found.format == _FORMAT:
                self._stored = found

    def reuser(
        self, key: str, repository: WorkTree, changed_paths: Iterable[str]
    ) -> _Reuser | None:
        """The ``reuse`` function for ``collect_changes``, or ``None`` (a full read)."""
        if self._stored.key != key:
            return None
        return _Reuser(self._stored, repository, frozenset(changed_paths))

    def save(
        self, key: str, repository: WorkTree, entries: dict[str, StatusEntry], changes: list[Change]
    ) -> None:
        """Remember this run's entries and changes; a write failure is ignored."""
        by_file: dict[str, list[Change]] = {}
        for change in changes:
            by_file.setdefault(change.file, []).append(change)
        stored = _Stored(key=key)
        for path, entry in entries.items():
            mine = by_file.get(repository.to_project(path), [])
            sig = _signature(repository.toplevel / path)
            stored.entries[path] = (entry, entry.objects, sig, mine)
        self._stored = stored
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))


class _Reuser:
    def __init__(self, stored: _Stored, repository: WorkTree, changed: frozenset[str]) -> None:
        self._stored = stored
        self._repository = repository
        self._changed = changed
        self.reused = 0

    def __call__(self, path: str, entry: StatusEntry) -> list[Change] | None:
        known = self._stored.entries.get(path)
        if known is None:
            return None
        old, objects, sig, changes = known
        to_project = self._repository.to_project
        if old != entry or objects != entry.objects or to_project(path) in self._changed:
            return None
        if entry.orig_path and to_project(entry.orig_path) in self._changed:
            return None
        if sig != _signature(self._repository.toplevel / path):
            return None
        self.reused += 1
        return list(changes)
