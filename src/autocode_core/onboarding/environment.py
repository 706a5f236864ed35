"""The project's own interpreter -> ``checks.test_check.python``.

Looked for in order: ``$VIRTUAL_ENV`` when it belongs to the project, the
project's ``.venv`` and ``venv`` folders (uv's and most tools' default), a
uv project environment (``UV_PROJECT_ENVIRONMENT``), then the environments
poetry and hatch keep elsewhere (asking ``poetry env info -p`` and ``hatch
env find``, when those tools are installed). The first interpreter found is
used, and whether it has pytest is checked (test_check runs pytest with it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from autocode_core.onboarding.decisions import Plan

__all__ = ["decide_python", "find_environments"]


def _python(env: Path) -> Path | None:
    for candidate in (env / "bin" / "python", env / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def _ask(command: list[str], root: Path) -> Path | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.strip().splitlines()
    return Path(lines[-1]) if done.returncode == 0 and lines else None


def find_environments(root: Path, environ: Mapping[str, str]) -> list[tuple[Path, str]]:
    """``(interpreter, where it was found)`` for every environment of the project, best first."""
    found: list[tuple[Path, str]] = []
    pyproject = (root / "pyproject.toml").read_text("utf-8", "replace") if (root / "pyproject.toml").is_file() else ""
    active = environ.get("VIRTUAL_ENV")
    if active and Path(active).resolve().is_relative_to(root.resolve()):
        found.append((Path(active), "the active virtual environment ($VIRTUAL_ENV)"))
    for name in (".venv", "venv"):
        found.append((root / name, f"the project's {name}/ folder"))
    uv_env = environ.get("UV_PROJECT_ENVIRONMENT")
    if uv_env:
        found.append((root / uv_env, "uv's project environment ($UV_PROJECT_ENVIRONMENT)"))
    if (root / "poetry.lock").is_file() or "[tool.poetry" in pyproject:
        where = _ask(["poetry", "env", "info", "-p"], root)
        if where is not None:
            found.append((where, "poetry's environment (poetry env info -p)"))
    if (root / "hatch.toml").is_file() or "[tool.hatch" in pyproject:
        where = _ask(["hatch", "env", "find", "default"], root)
        if where is not None:
            found.append((where, "hatch's default environment (hatch env find)"))
    return [(python, why) for env, why in found if (python := _python(env)) is not None]


def _git_ignores(root: Path, path: str) -> bool:
    try:
        done = subprocess.run(["git", "check-ignore", "-q", path], cwd=root, capture_output=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return True
    return done.returncode != 1  # 0 ignored; 128 not a repository: nothing to ignore


def _has_pytest(python: Path) -> bool:
    try:
        done = subprocess.run([os.fspath(python), "-c", "import pytest"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def decide_python(root: Path, plan: Plan, environ: Mapping[str, str] | None = None) -> None:
    """Decide which interpreter runs the project's tests."""
    environments = find_environments(root, os.environ if environ is None else environ)
    if not environments:
        plan.notes.append("no virtual environment found (.venv, venv, $VIRTUAL_ENV, uv, poetry, hatch): "
                          "test_check runs pytest with the interpreter that runs autocode")
        return
    python, why = environments[0]
    try:
        shown = python.relative_to(root).as_posix()
    except ValueError:
        shown = os.fspath(python)
        plan.notes.append(f"{shown} is outside the project: the configuration names it for this machine only")
    plan.decide("checks.test_check.python", shown, f"{why} has the project's dependencies")
    folder = shown.split("/bin/")[0].split("/Scripts/")[0]
    if not os.path.isabs(folder) and not _git_ignores(root, folder):
        plan.gitignore.append(folder + "/")  # else git_check reports the whole environment as changes
    if not _has_pytest(python):
        plan.notes.append(f"{shown} has no pytest: install it there (`{shown} -m pip install pytest`), "
                          "or test_check cannot run the tests")
