"""List a project's files without git (the modification-time mode).

Folders that never hold code or documents (``.git``, virtualenvs,
``node_modules``, build output, caches, hidden folders) are not entered,
except hidden folders on the way to a configured code folder or docs folder.
Outside git there are no ignore rules to honour beyond these and the user's
``exclude`` patterns (applied later by ``Layout``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from autocode_docs.layout import ALWAYS_EXCLUDED_DIRS

__all__ = ["walk_files"]


def _wanted(rel: str, name: str, keep: tuple[str, ...]) -> bool:
    if name in ALWAYS_EXCLUDED_DIRS or name.startswith(".") or name.endswith(".egg-info"):
        return any(k == rel or k.startswith(rel + "/") or rel.startswith(k + "/") for k in keep)
    return True


def walk_files(root: Path, keep: Iterable[str] = ()) -> list[str]:
    """Every regular file under ``root`` as a sorted list of ``/`` relative paths.

    :param keep: relative folders to enter even if their name is normally skipped.
    """
    keep_t = tuple(k for k in keep if k)
    out: list[str] = []
    base = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(base):
        rel_dir = os.path.relpath(dirpath, base).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        dirnames[:] = sorted(
            d
            for d in dirnames
            if _wanted(f"{rel_dir}/{d}" if rel_dir else d, d, keep_t)
            and not os.path.islink(os.path.join(dirpath, d))
        )
        for name in filenames:
            out.append(f"{rel_dir}/{name}" if rel_dir else name)
    out.sort()
    return out
