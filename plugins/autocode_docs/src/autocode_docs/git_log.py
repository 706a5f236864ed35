"""Parse one ``git log -z --name-status -M --parents --full-diff`` pass into per-path changes.

Commits are numbered by position in the log put in graph order
(``in_graph_order``: parents always after their children): ``0`` is the
newest. Two views are kept, both newest first:

* ``changes[path]``: commits that changed the *content* of the file now at
  ``path``, following renames back through history. A pure rename (similarity
  100%) is not a content change, and neither is a deletion of an earlier file
  that lived at the same path, nor a pure rename into the log's folders from
  elsewhere in the repository (code moved into the project).
* ``touches[path]``: every commit that mentions ``path`` in any way (added,
  modified, deleted, either side of a rename). Folder-level documents follow
  these, since adding, deleting or moving a file changes the folder.

Only paths in the log's folders (``folders``) are recorded. ``--full-diff``
makes git list every file of a commit that touched them, so a file moved in
from outside them is seen as the rename it is (not as an addition), and one
moved out as a deletion.

``parents[i]`` are the log indexes of commit ``i``'s parents as git rewrote
them for the pathspec (``--parents``): ancestry among the listed commits is
ancestry in the repository. Merge commits list no files (git's default), so
they change nothing themselves.

Expected input: records separated by ``\\x1e``, each ``<sha> <unix time>
<parent shas>\\0`` followed by ``\\n`` and NUL-separated ``STATUS\\0path\\0``
(``R``/``C`` entries carry two paths: old then new), as produced by
``--format=%x1e%H %ct %P -z --name-status --parents``.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Commit",
    "GitLog",
    "in_graph_order",
    "log_records",
    "parse_git_log",
]


@dataclass(frozen=True)
class Commit:
    """One commit of the log: full sha and committer time (Unix seconds)."""

    sha: str
    time: int


@dataclass
class GitLog:
    """The parsed log; see the module docstring for the meaning of the tables."""

    commits: list[Commit] = field(default_factory=list)
    changes: dict[str, list[int]] = field(default_factory=dict)
    touches: dict[str, list[int]] = field(default_factory=dict)
    parents: list[list[int]] = field(default_factory=list)

    def last_change(self, path: str) -> int | None:
        """Index of the newest commit that changed ``path``'s content, if any."""
        found = self.changes.get(path)
        return found[0] if found else None

    def changes_since(self, path: str, commit: int | None) -> list[int]:
        """Commits listed before ``commit`` (``None``: all) that changed ``path``'s content."""
        found = self.changes.get(path, [])
        if commit is None:
            return list(found)
        return [c for c in found if c < commit]

    @property
    def has_merges(self) -> bool:
        """True if some listed commit has more than one (rewritten) parent."""
        return any(len(p) > 1 for p in self.parents)


def _add(table: dict[str, list[int]], path: str, index: int) -> None:
    seen = table.get(path)
    if seen is None:
        table[path] = [index]
    elif seen[-1] != index:
        seen.append(index)


Record = tuple[str, int, list[str], list[tuple[str, str | None, str]]]


def _records(raw: bytes) -> list[Record]:
    """``(sha, time, parent shas, [(status, old path or None, path)])`` per commit.

    The output is decoded once (``os.fsdecode``: undecodable bytes survive as
    surrogates, as they would path by path) and split once on NUL.
    """
    out: list[Record] = []
    entries: list[tuple[str, str | None, str]] | None = None
    tokens = os.fsdecode(raw).split("\0")
    i, count = 0, len(tokens)
    while i < count:
        token = tokens[i].lstrip("\n")
        i += 1
        if token.startswith("\x1e"):
            sha, _, rest = token[1:].partition(" ")
            stamp, _, parents = rest.partition(" ")
            entries = []
            out.append((sha, int(stamp or 0), parents.split(), entries))
            continue
        status = token.strip()
        if not status or entries is None:
            continue
        if status[0] in "RC":
            entries.append((status, tokens[i], tokens[i + 1]))
            i += 2
        else:
            entries.append((status, None, tokens[i]))
            i += 1
    return out


def _parent_indexes(records: list[Record]) -> list[list[int]]:
    """Each record's listed parents as log indexes (parents outside the log left out).

    A single parent that is the next record (most commits of a log) is
    recognised without the sha -> index table.
    """
    shas = [r[0] for r in records]
    last = len(records) - 1
    index_of: dict[str, int] | None = None
    out: list[list[int]] = []
    for i, (_sha, _stamp, parents, _entries) in enumerate(records):
        if len(parents) == 1 and i < last and parents[0] == shas[i + 1]:
            out.append([i + 1])
            continue
        if index_of is None:
            index_of = {sha: j for j, sha in enumerate(shas)}
        out.append([index_of[p] for p in parents if p in index_of])
    return out


def in_graph_order(records: list[Record]) -> list[Record]:
    """``records`` with every commit before its parents (``git log --date-order``'s order).

    ``git log`` without an ordering option lists commits by committer date,
    which is the graph's order unless a commit is dated before one of its
    parents (a clock that was wrong). The records are returned as they are
    when they are in graph order (checked in one pass); otherwise they are
    sorted topologically, each commit as early as its children allow (the
    date order everywhere else), instead of paying for ``--date-order`` on
    every log.
    """
    shas = [r[0] for r in records]
    last = len(records) - 1
    index_of: dict[str, int] | None = None
    for i, (_sha, _stamp, parents, _entries) in enumerate(records):
        if not parents or (len(parents) == 1 and i < last and parents[0] == shas[i + 1]):
            continue
        if index_of is None:
            index_of = {sha: j for j, sha in enumerate(shas)}
        if any(index_of.get(p, last + 1) <= i for p in parents):
            break
    else:
        return records
    assert index_of is not None
    children = [0] * len(records)
    for _sha, _stamp, parents, _entries in records:
        for p in parents:
            j = index_of.get(p)
            if j is not None:
                children[j] += 1
    ready = [i for i, n in enumerate(children) if n == 0]
    heapq.heapify(ready)
    out: list[Record] = []
    while ready:
        i = heapq.heappop(ready)
        out.append(records[i])
        for p in records[i][2]:
            j = index_of.get(p)
            if j is not None:
                children[j] -= 1
                if not children[j]:
                    heapq.heappush(ready, j)
    return out


def log_records(raw: bytes) -> list[Record]:
    """The raw output split into records (for ``in_graph_order`` and ``parse_git_log``)."""
    return _records(raw)


def parse_git_log(
    raw: bytes,
    strip: Callable[[str], str | None] | None = None,
    folders: Sequence[str] | None = None,
    *,
    records: list[Record] | None = None,
) -> GitLog:
    """Parse the raw output; ``strip`` maps a repository path to a project path (or ``None``;
    ``strip=None``: paths are kept as they are).

    :param folders: the project folders the log was asked for; paths
        elsewhere are left out (a rename from elsewhere into them is an
        addition, a pure one not a content change; a rename out of them a
        deletion). ``None``: every path.
    :param records: ``in_graph_order(log_records(raw))`` if already read (``raw``
        is then not read).
    """
    log = GitLog()
    if records is None:
        records = in_graph_order(_records(raw))
    if any(len(parents) > 1 for _sha, _stamp, parents, _entries in records):
        log.parents = _parent_indexes(records)
    else:  # one chain: each commit's parent, if listed, is the next one
        last = len(records) - 1
        log.parents = [[i + 1] if r[2] and i < last else [] for i, r in enumerate(records)]
    whole = not folders or "" in folders
    within = None if whole else tuple(f + "/" for f in folders or ())
    exact = frozenset(folders or ())

    def inside(path: str) -> bool:
        return within is None or path.startswith(within) or path in exact

    alias: dict[str, str] = {}  # historical path -> path of the same file today
    touches, changes = log.touches, log.changes
    commits = log.commits
    for index, (sha, stamp, _parents, entries) in enumerate(records):
        commits.append(Commit(sha, stamp))
        for status, old, new in entries:
            kind = status[0]
            new_p = strip(new) if strip is not None else new
            if old is not None:
                old_p = strip(old) if strip is not None else old
                if old_p is not None and not inside(old_p):
                    old_p = None  # from elsewhere: an addition (a pure rename changes nothing)
                if new_p is None or not inside(new_p):
                    if old_p is not None and kind == "R":  # moved out: a deletion
                        _add(touches, old_p, index)
                    continue
                _add(touches, new_p, index)
                current = alias.get(new_p, new_p)
                if kind == "C" or status[1:] != "100":
                    _add(changes, current, index)
                if old_p is not None:
                    _add(touches, old_p, index)
                    if kind == "R":
                        alias[old_p] = current
                continue
            if new_p is None or (
                within is not None and not new_p.startswith(within) and new_p not in exact
            ):
                continue
            # _add(touches, new_p, index) and _add(changes, ...), inlined: the hot path
            seen = touches.get(new_p)
            if seen is None:
                touches[new_p] = [index]
            elif seen[-1] != index:
                seen.append(index)
            if kind != "D":
                current = alias.get(new_p, new_p) if alias else new_p
                seen = changes.get(current)
                if seen is None:
                    changes[current] = [index]
                elif seen[-1] != index:
                    seen.append(index)
    return log
