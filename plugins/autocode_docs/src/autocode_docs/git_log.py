"""Parse one ``git log -z --name-status -M`` pass into per-path change lists.

Commits are numbered by age: ``0`` is the newest commit in the log. Two views
are kept, both newest first:

* ``changes[path]``: commits that changed the *content* of the file now at
  ``path``, following renames back through history. A pure rename (similarity
  100%) is not a content change, and neither is a deletion of an earlier file
  that lived at the same path.
* ``touches[path]``: every commit that mentions ``path`` in any way (added,
  modified, deleted, either side of a rename). Folder-level documents follow
  these, since adding, deleting or moving a file changes the folder.

Expected input: records separated by ``\\x1e``, each ``<sha> <unix time>\\0``
followed by ``\\n`` and NUL-separated ``STATUS\\0path\\0`` (``R``/``C``
entries carry two paths: old then new), as produced by
``--format=%x1e%H %ct -z --name-status``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Commit", "GitLog", "parse_git_log"]


@dataclass(frozen=True)
class Commit:
    """One commit of the log: full sha and committer time (Unix seconds)."""

    sha: str
    time: int


@dataclass
class GitLog:
    """The parsed log; see the module docstring for the meaning of the lists."""

    commits: list[Commit] = field(default_factory=list)
    changes: dict[str, list[int]] = field(default_factory=dict)
    touches: dict[str, list[int]] = field(default_factory=dict)

    def last_change(self, path: str) -> int | None:
        """Index of the newest commit that changed ``path``'s content, if any."""
        found = self.changes.get(path)
        return found[0] if found else None

    def changes_since(self, path: str, commit: int | None) -> list[int]:
        """Commits newer than ``commit`` (``None``: all) that changed ``path``'s content."""
        found = self.changes.get(path, [])
        if commit is None:
            return list(found)
        return [c for c in found if c < commit]


def _add(table: dict[str, list[int]], path: str, index: int) -> None:
    seen = table.get(path)
    if seen is None:
        table[path] = [index]
    elif seen[-1] != index:
        seen.append(index)


def parse_git_log(raw: bytes, strip: Callable[[str], str | None] = lambda p: p) -> GitLog:
    """Parse the raw output; ``strip`` maps a repository path to a project path (or ``None``)."""
    log = GitLog()
    alias: dict[str, str] = {}  # historical path -> path of the same file today
    for record in raw.split(b"\x1e"):
        if not record.strip(b"\0\n"):
            continue
        header, _, body = record.partition(b"\0")
        sha, _, stamp = header.decode("ascii", "replace").partition(" ")
        index = len(log.commits)
        log.commits.append(Commit(sha, int(stamp or 0)))
        tokens = body.lstrip(b"\n").split(b"\0")
        i = 0
        while i < len(tokens):
            status = tokens[i].decode("ascii", "replace").strip()
            i += 1
            if not status:
                continue
            kind = status[0]
            if kind in "RC":
                old, new = os.fsdecode(tokens[i]), os.fsdecode(tokens[i + 1])
                i += 2
                old_p, new_p = strip(old), strip(new)
                for p in (old_p, new_p):
                    if p is not None:
                        _add(log.touches, p, index)
                if new_p is None:
                    continue
                current = alias.get(new_p, new_p)
                if kind == "C" or status[1:] != "100":
                    _add(log.changes, current, index)
                if kind == "R" and old_p is not None:
                    alias[old_p] = current
                continue
            path = strip(os.fsdecode(tokens[i]))
            i += 1
            if path is None:
                continue
            _add(log.touches, path, index)
            if kind != "D":
                _add(log.changes, alias.get(path, path), index)
    return log
