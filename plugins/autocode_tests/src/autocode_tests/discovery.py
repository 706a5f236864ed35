"""Which Python files a project has: git's view where git exists, a walk otherwise.

In a git work tree the listing is ``git ls-files --cached --others
--exclude-standard``: tracked files plus untracked ones that git's own ignore
rules (``.gitignore``, ``.git/info/exclude``, the global excludes file) do not
exclude, so anything git ignores never counts. Without git (no binary, or not
a repository) the project folder is walked. Either way virtual environments
(``.venv``, any folder holding ``pyvenv.cfg``), ``node_modules``, build output
(``build``, ``dist``, ``*.egg-info``) and caches are skipped.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["SKIPPED_DIRS", "FileListing", "is_skipped_dir", "list_python_files"]

#: folder names whose contents never count as code or tests
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "build",
        "dist",
        ".eggs",
        "__pycache__",
        "site-packages",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)

RunProcess = Callable[..., "subprocess.CompletedProcess[Any]"]


def is_skipped_dir(name: str) -> bool:
    """True for a folder name in ``SKIPPED_DIRS`` or ending in ``.egg-info``."""
    return name in SKIPPED_DIRS or name.endswith(".egg-info")


@dataclass(frozen=True)
class FileListing:
    """Project-relative ``/``-separated paths of Python files, sorted.

    ``source`` says how they were found; ``git_problem`` why git was not used
    (``None`` when it was, or when it is simply not a repository).
    """

    files: list[str]
    source: Literal["git", "walk"]
    git_problem: str | None = None


_LS_FILES = ["git", "ls-files", "-z"]
_PATTERNS = ["--", "*.py", "*pyvenv.cfg"]


def list_python_files(root: Path, run_process: RunProcess) -> FileListing:
    """The ``.py`` files of the project at ``root``; see the module docstring.

    :param run_process: runs a command (``context.run_process``), so the core
        can kill it with the check.
    """
    problem: str | None = None
    try:
        done = run_process(
            [*_LS_FILES, "--cached", "--others", "--exclude-standard", *_PATTERNS],
            cwd=root,
            text=True,
        )
        if done.returncode == 0:
            # the index still lists files deleted from the work tree
            deleted = run_process([*_LS_FILES, "--deleted", *_PATTERNS], cwd=root, text=True)
            gone = set(deleted.stdout.split("\0")) if deleted.returncode == 0 else set()
            names = [n for n in done.stdout.split("\0") if n and n not in gone]
            return FileListing(_kept(names), "git")
    except OSError as exc:  # no git binary
        problem = f"git could not run: {exc}"
    else:
        stderr = (done.stderr or "").strip()
        if "not a git repository" not in stderr:
            problem = stderr.splitlines()[-1] if stderr else f"git exited {done.returncode}"
    return FileListing(_walk(root), "walk", problem)


def _kept(names: Sequence[str]) -> list[str]:
    venvs = tuple(n[: -len("pyvenv.cfg")] for n in names if n.endswith("/pyvenv.cfg"))
    kept = []
    for name in names:
        if not name.endswith(".py") or (venvs and name.startswith(venvs)):
            continue
        parts = name.split("/")
        if any(is_skipped_dir(p) for p in parts[:-1]):
            continue
        kept.append(name)
    kept.sort()
    return kept


def _walk(root: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [
            d
            for d in dirs
            if not is_skipped_dir(d) and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))
        ]
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found.extend(prefix + f for f in files if f.endswith(".py"))
    return _kept(found)
