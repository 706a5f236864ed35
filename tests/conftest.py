"""Shared fixtures of the core's tests: throw-away plugin distributions."""

from __future__ import annotations

import importlib
import itertools
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
