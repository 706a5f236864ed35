"""Composition: wheels of autocode-core and autocode-git alone, in a fresh virtual
environment, install and ``autocode check git_check`` works offline for tokens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autocode_core.testing import make_git_repo

REPO_ROOT = Path(__file__).resolve().parents[3]
PLUGIN_ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], check=False, capture_output=True, text=True, timeout=300, **kwargs
    )


def test_wheels_install_alone_and_the_check_runs(tmp_path):
    wheels = tmp_path / "wheels"
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            wheels,
            REPO_ROOT,
            PLUGIN_ROOT,
        ]
    )
    assert built.returncode == 0, built.stderr
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", venv]).returncode == 0
    # this interpreter's pip installs into the fresh environment (faster than ensurepip)
    installed = run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            venv / "bin" / "python",
            "install",
            "-q",
            *sorted(wheels.glob("*.whl")),
        ]
    )
    if installed.returncode != 0 and (
        "NewConnectionError" in installed.stderr or "No matching distribution" in installed.stderr
    ):
        pytest.skip(
            f"no package index reachable for the wheels' dependencies: {installed.stderr[-300:]}"
        )
    assert installed.returncode == 0, installed.stderr

    repo = make_git_repo(tmp_path / "project")
    repo.write("README.md", "hello\n")
    repo.commit("base")
    repo.write("README.md", "hello, world\n")
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path / "empty-cache"), "PYTHONPATH": ""}
    env.pop("VIRTUAL_ENV", None)
    done = run([venv / "bin" / "autocode", "check", "git_check"], cwd=repo.path, env=env)

    assert "📊 git_check: 1 file changed (1 modified)" in done.stdout, done.stdout + done.stderr
    summary = json.loads((repo.path / "git_changes.json").read_text(encoding="utf-8"))
    assert summary["modified_files"] == ["README.md"]
    assert summary["tokens"]["exact"] is True and summary["tokens"]["encoding"] == "cl100k_base"
