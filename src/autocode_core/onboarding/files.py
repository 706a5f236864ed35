"""The project's files as ``autocode init`` sees them: git's view, or a walk without git.

In a git work tree: tracked files and untracked ones git does not ignore
(``git ls-files --cached --others --exclude-standard``). Elsewhere the folder
is walked. Virtual environments, caches and build output never count.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["SKIPPED", "list_files"]

SKIPPED = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".tox", ".nox", "node_modules", "build", "dist",
    ".eggs", "__pycache__", "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".autocode",
})
_KEPT = (".py", ".md", ".rst", ".txt", ".toml", ".cfg", ".ini")


def _skipped(part: str) -> bool:
    return part in SKIPPED or part.endswith(".egg-info")


def list_files(root: Path) -> list[str]:
    """Project-relative ``/`` paths of the files that matter to the checks, sorted."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, timeout=60, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is not None and done.returncode == 0:
        names = [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        names = [n for n in names if (root / n).is_file()]
    else:
        names = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not _skipped(d) and not (Path(folder, d) / "pyvenv.cfg").exists()]
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            names += [f if rel == "." else f"{rel}/{f}" for f in files]
    return sorted(n for n in names if n.endswith(_KEPT) and not any(_skipped(p) for p in n.split("/")[:-1]))
