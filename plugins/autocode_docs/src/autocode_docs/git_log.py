"""Parse one ``git log -z --name-status -M --parents`` pass into per-path change lists.

Commits are numbered by position in the log put in graph order
(``in_graph_order``: parents always after their children): ``0`` is the
newest. Two views are kept, both newest first:

* ``changes[path]``: commits that changed the *content* of the file now at
  ``path``, following renames back through history. A pure rename (similarity
  100%) is not a content change, and neither is a deletion of an earlier file
  that lived at the same path, nor an addition that ``moves`` says was a
  pure rename from outside the log's pathspec (see ``pure_moves``).
* ``touches[path]``: every commit that mentions ``path`` in any way (added,
  modified, deleted, either side of a rename). Folder-level documents follow
  these, since adding, deleting or moving a file changes the folder.

``parents[i]`` are the log indexes of commit ``i``'s parents as git rewrote
them for the pathspec (``--parents``): ancestry among the listed commits is
ancestry in the repository. Merge commits list no files (git's default), so
they change nothing themselves. ``added[i]`` lists the paths commit ``i``
added (status ``A``) when it has a parent: the candidates for ``pure_moves``.

Expected input: records separated by ``\\x1e``, each ``<sha> <unix time>
<parent shas>\\0`` followed by ``\\n`` and NUL-separated ``STATUS\\0path\\0``
(``R``/``C`` entries carry two paths: old then new), as produced by
``--format=%x1e%H %ct %P -z --name-status --parents``.
"""

from __future__ import annotations

import heapq
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "Commit",
    "GitLog",
    "adding_commits",
    "in_graph_order",
    "log_records",
    "parse_git_log",
    "pure_moves",
]

_SHA = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?")


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
    added: dict[int, list[str]] = field(default_factory=dict)

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
    surrogates, as they would path by path) and split into commits where a
    NUL is followed by the record separator. A commit without renames or
    copies (most of them) is split into (status, path) pairs in one step;
    the others token by token.
    """
    out: list[Record] = []
    text = os.fsdecode(raw)
    if not text.startswith("\x1e"):
        return out
    for chunk in text[1:].split("\0\x1e"):
        header, _, rest = chunk.partition("\0")
        sha, _, tail = header.partition(" ")
        stamp, _, parents = tail.partition(" ")
        entries: list[tuple[str, str | None, str]] = []
        out.append((sha, int(stamp or 0), parents.split(), entries))
        tokens = rest.lstrip("\n").split("\0")
        if tokens[-1] == "":
            tokens.pop()
        if not tokens:
            continue
        statuses = tokens[0::2]
        joined = "".join(statuses)
        if "R" not in joined and "C" not in joined and "\n" not in joined:
            entries.extend(zip(statuses, [None] * len(statuses), tokens[1::2], strict=False))
            continue
        i, count = 0, len(tokens)  # renames or copies carry two paths: token by token
        while i < count:
            status = tokens[i].strip()
            i += 1
            if not status:
                continue
            if status[0] in "RC" and i + 1 < count:
                entries.append((status, tokens[i], tokens[i + 1]))
                i += 2
            elif i < count:
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


def pure_moves(raw: bytes) -> set[tuple[str, str]]:
    """``(sha, new path)`` of every 100% rename in ``git diff-tree --stdin -z -M
    --name-status -r --diff-filter=R`` output (paths as git prints them)."""
    found: set[tuple[str, str]] = set()
    tokens = raw.split(b"\0")
    sha = ""
    i = 0
    while i < len(tokens):
        token = tokens[i].strip()
        i += 1
        if not token:
            continue
        if _SHA.fullmatch(token):
            sha = token.decode("ascii")
            continue
        if token[:1] in (b"R", b"C"):
            new = os.fsdecode(tokens[i + 1])
            if token == b"R100":
                found.add((sha, new))
            i += 2
        else:
            i += 1
    return found


def log_records(raw: bytes) -> list[Record]:
    """The raw output split into records (for ``adding_commits`` and ``parse_git_log``)."""
    return _records(raw)


def adding_commits(
    records: list[Record], strip: Callable[[str], str | None] | None = None
) -> list[str]:
    """The shas of the commits ``parse_git_log(..., strip).added`` lists, in log order
    (found before the full parse, so ``git diff-tree`` can run meanwhile)."""
    found = []
    for sha, _stamp, parents, entries in records:
        if not parents:
            continue
        for status, old, new in entries:
            if status[0] == "A" and old is None and (strip is None or strip(new) is not None):
                found.append(sha)
                break
    return found


def parse_git_log(
    raw: bytes,
    strip: Callable[[str], str | None] | None = None,
    moves: set[tuple[str, str]] | None = None,
    *,
    records: list[Record] | None = None,
) -> GitLog:
    """Parse the raw output; ``strip`` maps a repository path to a project path (or ``None``;
    ``strip=None``: paths are kept as they are).

    :param moves: ``(sha, repository path)`` additions that were pure renames
        from outside the pathspec (``pure_moves``): touches, not changes.
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
    alias: dict[str, str] = {}  # historical path -> path of the same file today
    touches, changes, added = log.touches, log.changes, log.added
    commits = log.commits
    for index, (sha, stamp, parents, entries) in enumerate(records):
        commits.append(Commit(sha, stamp))
        for status, old, new in entries:
            kind = status[0]
            new_p = strip(new) if strip is not None else new
            if old is not None:
                old_p = strip(old) if strip is not None else old
                for p in (old_p, new_p):
                    if p is not None:
                        _add(touches, p, index)
                if new_p is None:
                    continue
                current = alias.get(new_p, new_p)
                if kind == "C" or status[1:] != "100":
                    _add(changes, current, index)
                if kind == "R" and old_p is not None:
                    alias[old_p] = current
                continue
            if new_p is None:
                continue
            # _add(touches, new_p, index) and _add(changes, ...), inlined: the hot path
            seen = touches.get(new_p)
            if seen is None:
                touches[new_p] = [index]
            elif seen[-1] != index:
                seen.append(index)
            if kind == "A" and parents:
                found = added.get(index)
                if found is None:
                    added[index] = [new]
                else:
                    found.append(new)
            if kind != "D" and not (moves and kind == "A" and (sha, new) in moves):
                current = alias.get(new_p, new_p) if alias else new_p
                seen = changes.get(current)
                if seen is None:
                    changes[current] = [index]
                elif seen[-1] != index:
                    seen.append(index)
    return log
