"""Shared fixtures of the core's tests: throw-away plugin distributions."""

from __future__ import annotations

import importlib
import itertools
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from autocode_core.testing import GitRepo

_counter = itertools.count()


class DistFactory:
    """Writes installed-looking distributions (a ``.dist-info`` with entry points) into a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, dist: str, modules: dict[str, str], entry_points: dict[str, str], version: str = "1.0") -> Path:
        for module, source in modules.items():
            path = self.root / (module.replace(".", "/") + ".py")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source), encoding="utf-8")
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True, exist_ok=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[autocode]\n{lines}")
        return self.root


@pytest.fixture
def make_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DistFactory]:
    """A factory of plugin distributions on ``sys.path`` (removed after the test)."""
    root = tmp_path / f"site-{next(_counter)}"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    before = set(sys.modules)
    importlib.invalidate_caches()
    yield DistFactory(root)
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        if module is not None and str(getattr(module, "__file__", "") or "").startswith(str(root)):
            del sys.modules[name]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the working directory, with no AUTOCODE_* variables."""
    import os

    for var in list(os.environ):
        if var.startswith("AUTOCODE"):
            monkeypatch.delenv(var)
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Makes module names no other test uses."""
    return lambda prefix: f"{prefix}_{next(_counter)}"


TICK_PLUGIN = """
from autocode_core import CheckPlugin, CheckResult

class Tick(CheckPlugin):
    name = "tick_check"

    def execute(self, context):
        return CheckResult(status="success", message="✅ tick")
"""


@dataclass
class AutocodeCli:
    """``python -m autocode_core.cli`` in a subprocess, in a git repository, with a
    one-check plugin distribution (``tick_check``) installed, the first-party checks
    off and checks run inline (these tests are about configuration, state and history)."""

    env: dict[str, str]
    repo: GitRepo

    @property
    def root(self) -> Path:
        return self.repo.path

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "autocode_core.cli", *args],
            cwd=self.root, env=self.env, capture_output=True, text=True, timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "autocode_core.cli", *args], cwd=self.root, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )


@pytest.fixture
def autocode_cli(git_repo: GitRepo, make_dist: DistFactory, unique: Callable[[str], str]) -> AutocodeCli:
    """The autocode command over a committed git repository (``README.md``)."""
    module = unique("tick_plugin")
    site = make_dist("tick-plugins", {module: TICK_PLUGIN}, {"tick_check": f"{module}:Tick"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    env["AUTOCODE_DISABLE_PLUGINS"] = "doc_check,git_check,test_check"
    env["AUTOCODE__DAEMON__EXECUTION"] = "inline"  # no worker process: a second saved per command
    git_repo.write("README.md", "# demo\n")
    git_repo.commit("initial")
    return AutocodeCli(env, git_repo)
