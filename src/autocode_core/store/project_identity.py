"""The name a project's runs carry in a shared history.

``history.project`` when configured; else the name of the repository its
``origin`` remote points to (``git@host:team/shop.git`` → ``shop``), so clones
of one repository on many machines share a name; else the project folder's name.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["project_name"]


def project_name(root: Path, configured: str | None = None) -> str:
    """The project identity of ``root`` (see the module docstring); never empty."""
    if configured:
        return configured
    try:
        remote = subprocess.run(
            ["git", "-C", str(root), "config", "--get", "remote.origin.url"],
            capture_output=True, text=True, timeout=5, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        remote = ""
    name = remote.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    name = name.removesuffix(".git")
    return name or root.resolve().name or "project"
