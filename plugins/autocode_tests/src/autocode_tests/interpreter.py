"""Which Python runs the project's tests.

The project's own interpreter: ``python`` from the settings when given, else
the project's ``.venv`` when it has one, else the interpreter running
autocode. Paths are returned as found, never resolved: a virtual
environment's ``python`` is a symlink whose target is not the environment.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from autocode_core import PluginError

__all__ = ["find_python"]

_VENV_PYTHONS = (".venv/bin/python", ".venv/Scripts/python.exe")


def find_python(project_root: Path, configured: str | None = None) -> Path:
    """The interpreter for the project at ``project_root``.

    :param configured: a path (relative to the project root, or absolute) or a
        command name looked up on ``PATH``.
    :raises PluginError: ``configured`` names nothing executable.
    """
    if configured:
        if "/" in configured or os.sep in configured:
            candidate = project_root / os.path.expanduser(configured)
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
            raise PluginError(
                f"python interpreter {configured!r} not found or not executable ({candidate})"
            )
        found = shutil.which(configured)
        if found is None:
            raise PluginError(f"python interpreter {configured!r} is not on PATH")
        return Path(found)
    for relative in _VENV_PYTHONS:
        candidate = project_root / relative
        if candidate.is_file():
            return candidate
    return Path(sys.executable)
