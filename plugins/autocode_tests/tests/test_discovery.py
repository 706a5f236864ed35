"""Listing a project's Python files: git's ignore rules, skipped folders, no-git walk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from autocode_tests.discovery import list_python_files

from autocode_core.testing import make_context, make_git_repo

NOISE = {
    ".venv/lib/python3.11/site-packages/dep.py": "",
    "node_modules/pkg/gen.py": "",
    "build/lib/pkg/a.py": "",
    "dist/x.py": "",
    "pkg.egg-info/y.py": "",
    "pkg/__pycache__/z.py": "",
    "myenv/pyvenv.cfg": "home = /usr/bin\n",
    "myenv/lib/tool.py": "",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def _list(root: Path):
    return list_python_files(root, make_context("test_check", root).run_process)


def test_git_listing_uses_gits_ignore_rules(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    _write(
        repo.path,
        {
            ".gitignore": "generated/\n*_pb2.py\n",
            "pkg/__init__.py": "",
            "pkg/a.py": "",
            "pkg/gone.py": "",
            "pkg/msg_pb2.py": "",
            "generated/out.py": "",
            "README.md": "",
        },
    )
    (repo.path / ".git" / "info" / "exclude").write_text("local_only.py\n")
    repo.commit("initial")
    (repo.path / "pkg" / "gone.py").unlink()  # still in the index, gone from the tree
    _write(repo.path, {"pkg/new.py": "", "local_only.py": "", **NOISE})

    listing = _list(repo.path)

    assert listing.source == "git"
    assert listing.files == ["pkg/__init__.py", "pkg/a.py", "pkg/new.py"]


def test_a_project_inside_a_bigger_repository_lists_only_its_own_files(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "mono")
    _write(repo.path, {"other/x.py": "", "project/pkg/a.py": ""})
    listing = _list(repo.path / "project")
    assert listing.files == ["pkg/a.py"]


def test_without_git_the_folder_is_walked_with_the_same_skips(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/a.py": "", "pkg/sub/b.py": "", "top.py": "", "notes.txt": "", **NOISE})
    listing = _list(tmp_path)
    assert listing.source == "walk"
    assert listing.git_problem is None
    assert listing.files == ["pkg/a.py", "pkg/sub/b.py", "top.py"]


def test_without_a_git_binary_the_folder_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_git_repo(tmp_path / "repo")
    _write(repo.path, {"pkg/a.py": ""})
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", os.fspath(empty_bin))
    listing = _list(repo.path)
    assert listing.source == "walk"
    assert listing.git_problem is not None and "git could not run" in listing.git_problem
    assert listing.files == ["pkg/a.py"]
