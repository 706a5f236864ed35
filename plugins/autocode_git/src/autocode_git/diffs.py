"""Parsing ``git diff --numstat -p -z``: counts and patch text per file, in one git call.

git prints the ``--numstat`` records (NUL-terminated, paths verbatim), one
NUL as separator, then the patch, file by file in the same order. Records
and patch blocks are paired by position (the two blocks git prints for a type
change are joined first), so no path is ever parsed out of a
quoted patch header. Unmerged paths must be excluded from such a diff (git
prints a numstat record but no ``diff --git`` block for them).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

__all__ = ["FileDiff", "diff_command", "parse_diff"]

_BLOCK_START = re.compile(rb"^diff --git ", re.MULTILINE)


@dataclass(frozen=True)
class FileDiff:
    """One file pair of a diff.

    ``additions``/``deletions`` are ``None`` for binary files. ``old_path`` is
    the source of a rename or copy. ``patch`` is the file's unified diff,
    decoded as UTF-8 with undecodable bytes replaced.
    """

    path: str
    additions: int | None
    deletions: int | None
    binary: bool
    patch: str
    old_path: str | None = None


def diff_command(pathspecs: list[str], *, cached: bool, find_renames: bool) -> list[str]:
    """The ``git diff`` arguments whose output ``parse_diff`` reads.

    ``cached`` compares the index with HEAD (the staged changes; against the
    empty tree when there is no commit yet), otherwise the work tree with the
    index (the unstaged changes).
    """
    return [
        "diff",
        *(["--cached"] if cached else []),
        "--numstat",
        "--patch",
        "-z",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--submodule=short",
        "--find-copies" if find_renames else "--no-renames",
        "--",
        *pathspecs,
    ]


def _numstat(output: bytes) -> tuple[list[tuple[str, str, str, str | None]], int]:
    """Numstat records ``(added, deleted, path, old_path)`` and where the patch begins."""
    records: list[tuple[str, str, str, str | None]] = []
    pos = 0
    end = len(output)
    while pos < end and output[pos] != 0:
        tab1 = output.index(b"\t", pos)
        tab2 = output.index(b"\t", tab1 + 1)
        added = output[pos:tab1].decode("ascii")
        deleted = output[tab1 + 1 : tab2].decode("ascii")
        if output[tab2 + 1] == 0:  # rename or copy: "\0old\0new\0"
            old_end = output.index(b"\0", tab2 + 2)
            new_end = output.index(b"\0", old_end + 1)
            old = os.fsdecode(output[tab2 + 2 : old_end])
            path = os.fsdecode(output[old_end + 1 : new_end])
            records.append((added, deleted, path, old))
            pos = new_end + 1
        else:
            path_end = output.index(b"\0", tab2 + 1)
            records.append((added, deleted, os.fsdecode(output[tab2 + 1 : path_end]), None))
            pos = path_end + 1
    return records, pos + 1


def _blocks(patch: bytes) -> list[bytes]:
    """One patch block per file pair; a type change (file <-> symlink) prints two
    blocks with the same header line, joined here as git's numstat counts them once."""
    starts = [m.start() for m in _BLOCK_START.finditer(patch)]
    blocks: list[bytes] = []
    previous_header = None
    for a, b in zip(starts, [*starts[1:], len(patch)], strict=True):
        block = patch[a:b]
        header = block.split(b"\n", 1)[0]
        if header == previous_header:
            blocks[-1] += block
        else:
            blocks.append(block)
        previous_header = header
    return blocks


def parse_diff(output: bytes) -> list[FileDiff]:
    """Parse ``git diff --numstat --patch -z`` output, in git's order.

    :raises ValueError: records and patch blocks do not pair up.
    """
    if not output:
        return []
    records, patch_start = _numstat(output)
    blocks = _blocks(output[patch_start:])
    if len(blocks) != len(records):
        raise ValueError(
            f"git diff printed {len(records)} numstat records but {len(blocks)} patches"
        )
    diffs = []
    for (added, deleted, path, old), block in zip(records, blocks, strict=True):
        binary = added == "-"
        diffs.append(
            FileDiff(
                path=path,
                additions=None if binary else int(added),
                deletions=None if binary else int(deleted),
                binary=binary,
                patch=block.decode("utf-8", "replace"),
                old_path=old,
            )
        )
    return diffs
