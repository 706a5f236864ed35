"""Fixtures for the autocode-tests suite: generated projects and a Python without pytest.

Generated projects carry their own ``pytest.ini``, so the real pytest
subprocess the check starts never walks up to another configuration.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from autocode_core.testing import make_git_repo

PYTEST_INI = "[pytest]\naddopts = --import-mode=importlib\n"

MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """``make_project(files, git=True, name="project")`` writes a project and returns its root.

    ``files`` maps project-relative paths to their text. Unless ``files`` says
    otherwise the project gets a minimal ``pytest.ini``. With ``git`` the
    project is a git repository with everything committed.
    """

    def make(files: dict[str, str], *, git: bool = True, name: str = "project") -> Path:
        root = tmp_path / name
        repo = make_git_repo(root) if git else None
        root.mkdir(parents=True, exist_ok=True)
        for relpath, text in {"pytest.ini": PYTEST_INI, **files}.items():
            target = root / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if repo is not None:
            repo.commit("initial")
        return root

    return make


@pytest.fixture(scope="session")
def python_without_pytest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a virtual environment that has no pytest (one per session)."""
    venv = tmp_path_factory.mktemp("venv-without-pytest")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / "bin" / "python"


HANGING_TEST = """\
import os, subprocess, sys, time
from pathlib import Path

def test_hangs():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    Path("pids.txt").write_text(f"{os.getpid()} {child.pid}")
    time.sleep(600)
"""


@pytest.fixture
def hanging_test() -> str:
    """Source of a test module that starts a grandchild, writes both pids to ``pids.txt``, and hangs."""
    return HANGING_TEST


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


@pytest.fixture
def assert_killed() -> Callable[[Path], None]:
    """``assert_killed(pids_file)``: every pid in the file is dead within 5 seconds."""
    import time

    def check(pids_file: Path) -> None:
        assert pids_file.exists(), "the hanging test never started"
        pids = [int(p) for p in pids_file.read_text().split()]
        assert pids, "the hanging test never started"
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in pids if _alive(p)], "processes of the pytest run survived"

    return check
