"""Merge conflicts: unmerged paths get git's combined diff (``diff --cc``), in one git call.

Their blocks are matched to paths through the header line, which git C-quotes
when a path holds a quote, a backslash or a control character.
"""

from __future__ import annotations

import re

from autocode_core.toolkit import GitRunner, WorkTree
from autocode_git.changes import Change
from autocode_git.untracked import cut_at_line

__all__ = ["conflict_changes"]

_C_ESCAPES = {
    b"a": b"\a",
    b"b": b"\b",
    b"f": b"\f",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"v": b"\v",
}
_C_ESCAPE = re.compile(rb"\\([0-7]{3}|.)", re.DOTALL)


def _unquote(path: str) -> str:
    """A path as git prints it in a patch header: C-quoted when it holds special bytes."""
    if not (len(path) >= 2 and path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("utf-8", "surrogateescape")

    def unescape(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if len(code) == 3:
            return bytes([int(code, 8) & 0xFF])
        return _C_ESCAPES.get(code, code)

    return _C_ESCAPE.sub(unescape, raw).decode("utf-8", "surrogateescape")


def _conflict_diffs(run_git: GitRunner, paths: list[str]) -> dict[str, str]:
    output = run_git(
        ["diff", "--no-color", "--no-ext-diff", "--", *(f":(top,literal){p}" for p in paths)]
    )
    diffs: dict[str, str] = {}
    for block in output.split(b"\ndiff --cc "):
        text = block.decode("utf-8", "replace")
        text = text if text.startswith("diff --cc ") else "diff --cc " + text
        name = _unquote(text.split("\n", 1)[0][len("diff --cc ") :])
        diffs[name] = text if text.endswith("\n") else text + "\n"
    return diffs


def conflict_changes(
    run_git: GitRunner, repository: WorkTree, conflicted: list[str], cap: int
) -> list[Change]:
    """One ``conflicted`` change per unmerged path, with git's combined diff; one git call.

    Paths are relative to the toplevel; line counts are ``None`` (a combined
    diff has no single answer).
    """
    texts = _conflict_diffs(run_git, conflicted)
    changes = []
    for path in conflicted:
        text = texts.get(path, "")
        cut = cut_at_line(text, cap)
        changes.append(
            Change(
                file=repository.to_project(path),
                status="conflicted",
                staged=False,
                additions=None,
                deletions=None,
                binary=False,
                diff=cut,
                diff_truncated=len(cut) != len(text),
                diff_bytes=len(text.encode("utf-8", "surrogateescape")),
            )
        )
    return changes
