"""Which Python runs the project's tests.

``find_interpreter`` looks, in this order, for:

1. ``python`` from the settings (a path relative to the project root, or a
   command on ``PATH``), source ``"configured"``;
2. the project's ``.venv`` then ``venv`` folder (uv, ``python -m venv``,
   poetry and pdm in-project environments), source ``".venv"``/``"venv"``;
3. ``$UV_PROJECT_ENVIRONMENT`` then ``$VIRTUAL_ENV`` (an activated
   environment), sources named after the variable;
4. poetry's environment (``poetry env info -p``, when ``pyproject.toml`` has
   a ``[tool.poetry]`` table and ``poetry`` is on ``PATH``) and hatch's
   (``hatch env find``, when the project configures hatch), sources
   ``"poetry"``/``"hatch"``;
5. a tox environment (``.tox/<env>/``, the first by name), source ``"tox"``;
6. the interpreter running autocode, source ``"autocode"``: a fallback, which
   ``Interpreter.fallback`` flags so the result can warn that the tests may
   not run with the project's dependencies.

Paths are returned as found, never resolved: a virtual environment's
``python`` is a symlink whose target is not the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from autocode_core import PluginError

__all__ = ["Interpreter", "find_interpreter", "find_python"]

#: runs a short command in the project root and returns its output, or None when it fails
CommandRunner = Callable[[Sequence[str]], str | None]

_BIN = ("bin/python", "Scripts/python.exe")
_TOOL_TIMEOUT = 20.0


@dataclass(frozen=True)
class Interpreter:
    """An interpreter for the project's tests and where it was found (see the module docstring)."""

    path: Path
    source: str

    @property
    def fallback(self) -> bool:
        """True when no project environment was found and autocode's own interpreter is used."""
        return self.source == "autocode"


def _env_python(folder: Path) -> Path | None:
    for relative in _BIN:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    return None


def _run_tool(project_root: Path) -> CommandRunner:
    def run(args: Sequence[str]) -> str | None:
        try:
            done = subprocess.run(
                list(args),
                cwd=project_root,
                capture_output=True,
                text=True,
                timeout=_TOOL_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        out = done.stdout.strip().splitlines()
        return out[-1].strip() if done.returncode == 0 and out else None

    return run


def _configured(project_root: Path, configured: str) -> Interpreter:
    if "/" in configured or os.sep in configured:
        candidate = project_root / os.path.expanduser(configured)
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return Interpreter(candidate, "configured")
        raise PluginError(
            f"python interpreter {configured!r} not found or not executable ({candidate})"
        )
    found = shutil.which(configured)
    if found is None:
        raise PluginError(f"python interpreter {configured!r} is not on PATH")
    return Interpreter(Path(found), "configured")


def _pyproject_mentions(project_root: Path, table: str) -> bool:
    try:
        return f"[{table}" in (project_root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _from_tools(project_root: Path, run: CommandRunner) -> Interpreter | None:
    if _pyproject_mentions(project_root, "tool.poetry") and shutil.which("poetry"):
        found = run(["poetry", "env", "info", "-p"])
        python = _env_python(Path(found)) if found else None
        if python is not None:
            return Interpreter(python, "poetry")
    hatch = (
        _pyproject_mentions(project_root, "tool.hatch.envs")
        or (project_root / "hatch.toml").is_file()
    )
    if hatch and shutil.which("hatch"):
        found = run(["hatch", "env", "find", "default"])
        python = _env_python(Path(found)) if found else None
        if python is not None:
            return Interpreter(python, "hatch")
    return None


def find_interpreter(
    project_root: Path,
    configured: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    run: CommandRunner | None = None,
) -> Interpreter:
    """The interpreter for the project at ``project_root`` (see the module docstring).

    :param environ: the environment to read ``VIRTUAL_ENV`` from (default ``os.environ``).
    :param run: runs ``poetry``/``hatch`` (default: a subprocess in the project
        root with a 20 s timeout).
    :raises PluginError: ``configured`` names nothing executable.
    """
    if configured:
        return _configured(project_root, configured)
    for name in (".venv", "venv"):
        python = _env_python(project_root / name)
        if python is not None:
            return Interpreter(python, name)
    env = os.environ if environ is None else environ
    for variable in ("UV_PROJECT_ENVIRONMENT", "VIRTUAL_ENV"):
        value = env.get(variable)
        if value:
            python = _env_python(project_root / os.path.expanduser(value))
            if python is not None:
                return Interpreter(python, variable)
    tool = _from_tools(project_root, run or _run_tool(project_root))
    if tool is not None:
        return tool
    tox = project_root / ".tox"
    if tox.is_dir():
        for folder in sorted(tox.iterdir()):
            python = _env_python(folder) if (folder / "pyvenv.cfg").is_file() else None
            if python is not None:
                return Interpreter(python, "tox")
    return Interpreter(Path(sys.executable), "autocode")


def find_python(project_root: Path, configured: str | None = None) -> Path:
    """The path of ``find_interpreter(project_root, configured)`` (the former API)."""
    return find_interpreter(project_root, configured).path
