"""Choosing the interpreter that runs the project's tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from autocode_tests.interpreter import find_python

from autocode_core import PluginError


def _fake_python(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_projects_venv_wins(tmp_path: Path) -> None:
    venv_python = _fake_python(tmp_path / ".venv" / "bin" / "python")
    assert find_python(tmp_path) == venv_python


def test_without_a_venv_the_running_interpreter_is_used(tmp_path: Path) -> None:
    assert find_python(tmp_path) == Path(sys.executable)


def test_a_configured_relative_path_is_relative_to_the_project(tmp_path: Path) -> None:
    _fake_python(tmp_path / ".venv" / "bin" / "python")
    chosen = _fake_python(tmp_path / "env" / "bin" / "python")
    assert find_python(tmp_path, "env/bin/python") == chosen


def test_a_configured_path_is_not_resolved(tmp_path: Path) -> None:
    link = tmp_path / "py"
    link.symlink_to(sys.executable)
    assert find_python(tmp_path, os.fspath(link)) == link


def test_a_configured_command_is_looked_up_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = _fake_python(tmp_path / "bin" / "mypython")
    monkeypatch.setenv("PATH", os.fspath(command.parent))
    assert find_python(tmp_path, "mypython") == command


@pytest.mark.parametrize("configured", ["nowhere/bin/python", "no-such-python-command"])
def test_a_configured_interpreter_that_does_not_exist_is_an_error(
    tmp_path: Path, configured: str
) -> None:
    with pytest.raises(PluginError, match=configured):
        find_python(tmp_path, configured)


# -- issue 12 item 6: the project's environment, wherever its tool keeps it ---------------

from autocode_tests.interpreter import find_interpreter  # noqa: E402


def _tool(folder: Path, name: str, prints: Path) -> None:
    """An executable ``name`` in ``folder`` that prints ``prints`` (as poetry and hatch do)."""
    script = folder / name
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"#!/bin/sh\necho {prints}\n")
    script.chmod(0o755)


def test_a_venv_folder_is_found_and_dot_venv_first(tmp_path: Path) -> None:
    venv = _fake_python(tmp_path / "venv" / "bin" / "python")
    found = find_interpreter(tmp_path, environ={})
    assert (found.path, found.source, found.fallback) == (venv, "environment", False)
    assert "venv/" in found.where
    dot = _fake_python(tmp_path / ".venv" / "bin" / "python")
    assert find_interpreter(tmp_path, environ={}).path == dot


def test_an_activated_environment_counts_when_it_is_the_projects(tmp_path: Path) -> None:
    project = tmp_path / "project"
    inside = _fake_python(project / "envs" / "dev" / "bin" / "python")
    found = find_interpreter(project, environ={"VIRTUAL_ENV": os.fspath(inside.parent.parent)})
    assert (found.path, found.where) == (inside, "the active virtual environment ($VIRTUAL_ENV)")
    other = _fake_python(tmp_path / "another" / "bin" / "python")
    found = find_interpreter(project, environ={"VIRTUAL_ENV": os.fspath(other.parent.parent)})
    assert found.fallback  # another project's environment is no evidence


def test_poetry_and_hatch_environments_are_asked_of_their_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _fake_python(tmp_path / "cache" / "proj-py3.11" / "bin" / "python").parent.parent
    tools = tmp_path / "tools"
    _tool(tools, "poetry", env)
    _tool(tools, "hatch", env)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.poetry]\nname = 'proj'\n")
    found = find_interpreter(project, environ={})
    assert (found.path, found.source) == (env / "bin" / "python", "environment")
    assert "poetry" in found.where

    (project / "pyproject.toml").write_text("[tool.hatch.envs.default]\n")
    assert "hatch" in find_interpreter(project, environ={}).where


def test_a_tox_environment_is_the_last_resort_before_the_fallback(tmp_path: Path) -> None:
    tox = _fake_python(tmp_path / ".tox" / "py311" / "bin" / "python")
    (tmp_path / ".tox" / "py311" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    found = find_interpreter(tmp_path, environ={})
    assert (found.path, found.source) == (tox, "tox")


def test_the_fallback_is_flagged(tmp_path: Path) -> None:
    found = find_interpreter(tmp_path, environ={})
    assert (found.path, found.source, found.fallback) == (Path(sys.executable), "autocode", True)
