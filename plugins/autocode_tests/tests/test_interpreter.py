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
