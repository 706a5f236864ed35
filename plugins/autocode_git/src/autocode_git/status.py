"""Parsing ``git status --porcelain=v2 -z``: one entry per path that differs.

The parser reads NUL-separated records, so paths with spaces, quotes,
newlines and non-ASCII characters arrive exactly as git stores them (decoded
with ``os.fsdecode``). Header lines give HEAD's commit (``None`` in a
repository with no commits) and branch (``None`` on a detached HEAD).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = ["StatusEntry", "StatusReport", "parse_status", "status_command"]

EntryKind = Literal["ordinary", "renamed", "unmerged", "untracked"]


@dataclass(frozen=True)
class StatusEntry:
    """One path in ``git status``.

    ``index`` and ``worktree`` are git's X and Y letters (``.`` = unchanged,
    ``M``, ``T``, ``A``, ``D``, ``R``, ``C``, ``U``; ``?`` for untracked).
    ``orig_path`` is the source of a rename or copy. ``submodule`` is true for
    a submodule entry. Paths are relative to the repository toplevel.
    ``objects`` is git's modes and object names of the entry (HEAD and index
    sides): equal ``objects`` mean equal HEAD and index contents. It takes
    no part in comparing entries.
    """

    kind: EntryKind
    path: str
    index: str = "."
    worktree: str = "."
    orig_path: str | None = None
    submodule: bool = False
    objects: str = field(default="", compare=False)


@dataclass
class StatusReport:
    """Everything ``git status`` said."""

    entries: list[StatusEntry] = field(default_factory=list)
    head: str | None = None
    branch: str | None = None

    @property
    def detached(self) -> bool:
        """True on a detached HEAD."""
        return self.branch is None

    @property
    def unborn(self) -> bool:
        """True in a repository (or orphan branch) with no commits yet."""
        return self.head is None


def status_command(pathspecs: list[str], *, untracked: bool, find_renames: bool) -> list[str]:
    """The ``git status`` arguments whose output ``parse_status`` reads."""
    return [
        "status",
        "--porcelain=v2",
        "-z",
        "--branch",
        "--untracked-files=all" if untracked else "--untracked-files=no",
        "--ignore-submodules=none",
        "--find-renames" if find_renames else "--no-renames",
        "--",
        *pathspecs,
    ]


def parse_status(output: bytes) -> StatusReport:
    """Parse ``git status --porcelain=v2 -z --branch`` output.

    :raises ValueError: a record git should not produce.
    """
    report = StatusReport()
    records = output.split(b"\0")
    i = 0
    while i < len(records):
        record = records[i]
        i += 1
        if not record:
            continue
        tag = record[:1]
        if tag == b"#":
            _header(report, record.decode("utf-8", "replace"))
        elif tag == b"1":
            fields = record.split(b" ", 8)
            entry = _entry("ordinary", fields[1], fields[2], fields[8])
            report.entries.append(_with_objects(entry, fields[3:8]))
        elif tag == b"2":
            fields = record.split(b" ", 9)
            orig = os.fsdecode(records[i])
            i += 1
            entry = _entry("renamed", fields[1], fields[2], fields[9], orig)
            report.entries.append(_with_objects(entry, fields[3:9]))
        elif tag == b"u":
            fields = record.split(b" ", 10)
            entry = _entry("unmerged", fields[1], fields[2], fields[10])
            report.entries.append(_with_objects(entry, fields[3:10]))
        elif tag == b"?":
            report.entries.append(StatusEntry("untracked", os.fsdecode(record[2:]), ".", "?"))
        elif tag == b"!":
            continue
        else:
            raise ValueError(f"unexpected git status record: {record[:80]!r}")
    return report


def _entry(
    kind: EntryKind, xy: bytes, sub: bytes, path: bytes, orig: str | None = None
) -> StatusEntry:
    letters = xy.decode("ascii")
    return StatusEntry(kind, os.fsdecode(path), letters[0], letters[1], orig, sub.startswith(b"S"))


def _with_objects(entry: StatusEntry, fields: list[bytes]) -> StatusEntry:
    return replace(entry, objects=b" ".join(fields).decode("ascii", "replace"))


def _header(report: StatusReport, line: str) -> None:
    parts = line.split(" ", 2)
    if len(parts) < 3:
        return
    key, value = parts[1], parts[2]
    if key == "branch.oid":
        report.head = None if value == "(initial)" else value
    elif key == "branch.head":
        report.branch = None if value == "(detached)" else value
