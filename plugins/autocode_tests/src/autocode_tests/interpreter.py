"""Which Python runs the project's tests.

``find_interpreter`` takes, in this order:

1. ``python`` from the settings (a path relative to the project root, or a
   command on ``PATH``), source ``"configured"``;
2. the project's environments as ``autocode init`` finds them
   (``autocode_core.onboarding.environment.find_environments``, one policy
   for both): ``$VIRTUAL_ENV`` when it lies inside the project, the
   project's ``.venv`` then ``venv`` folder, ``$UV_PROJECT_ENVIRONMENT``,
   poetry's environment (``poetry env info -p``) and hatch's (``hatch env
   find default``) when the project uses them and the tool is installed;
   source ``"environment"``, ``Interpreter.where`` says which;
3. a tox environment (``.tox/<env>/``, the first by name), source ``"tox"``;
4. the interpreter running autocode, source ``"autocode"``: a fallback, which
   ``Interpreter.fallback`` flags so the result can warn that the tests may
   not run with the project's dependencies, or may import an installed copy
   of the project.

Paths are returned as found, never resolved: a virtual environment's
``python`` is a symlink whose target is not the environment.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from autocode_core import PluginError
from autocode_core.onboarding.environment import find_environments

__all__ = ["Interpreter", "find_interpreter", "find_python"]

_BIN = ("bin/python", "Scripts/python.exe")


@dataclass(frozen=True)
class Interpreter:
    """An interpreter for the project's tests, where it was found, and how (``where``)."""

    path: Path
    source: str
    where: str = ""

    @property
    def fallback(self) -> bool:
        """True when no project environment was found and autocode's own interpreter is used."""
        return self.source == "autocode"


def _configured(project_root: Path, configured: str) -> Interpreter:
    if "/" in configured or os.sep in configured:
        candidate = project_root / os.path.expanduser(configured)
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return Interpreter(candidate, "configured", "the python setting")
        raise PluginError(
            f"python interpreter {configured!r} not found or not executable ({candidate})"
        )
    found = shutil.which(configured)
    if found is None:
        raise PluginError(f"python interpreter {configured!r} is not on PATH")
    return Interpreter(Path(found), "configured", "the python setting")


def find_interpreter(
    project_root: Path,
    configured: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Interpreter:
    """The interpreter for the project at ``project_root`` (see the module docstring).

    :param environ: the environment to read ``VIRTUAL_ENV`` and
        ``UV_PROJECT_ENVIRONMENT`` from (default ``os.environ``).
    :raises PluginError: ``configured`` names nothing executable.
    """
    if configured:
        return _configured(project_root, configured)
    found = find_environments(project_root, os.environ if environ is None else environ)
    if found:
        python, where = found[0]
        return Interpreter(python, "environment", where)
    tox = project_root / ".tox"
    if tox.is_dir():
        for folder in sorted(tox.iterdir()):
            if not (folder / "pyvenv.cfg").is_file():
                continue
            for relative in _BIN:
                if (folder / relative).is_file():
                    return Interpreter(
                        folder / relative, "tox", f"the tox environment {folder.name}"
                    )
    return Interpreter(Path(sys.executable), "autocode", "the interpreter running autocode")


def find_python(project_root: Path, configured: str | None = None) -> Path:
    """The path of ``find_interpreter(project_root, configured)`` (the former API)."""
    return find_interpreter(project_root, configured).path
