"""The watcher's ignore rules: ``ChangeFilter`` (cheap first stage) and ``GitIgnore`` (git's rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocode_core.testing import GitRepo
from autocode_core.watch.ignore import ChangeFilter, GitIgnore, relative_path


def test_relative_paths_are_posix_and_none_for_the_root_or_outside(tmp_path: Path) -> None:
    assert relative_path(tmp_path, tmp_path / "a" / "b.py") == "a/b.py"
    assert relative_path(tmp_path, tmp_path) is None
    assert relative_path(tmp_path, tmp_path.parent / "elsewhere") is None


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("src/app.py", True),
        (".git/HEAD", True),
        (".git/index", True),
        (".git/refs/heads/main", True),
        (".git/packed-refs", True),
        (".git/index.lock", False),
        (".git/refs/heads/main.lock", False),
        (".git/objects/ab/cdef", False),
        (".git/logs/HEAD", False),
        (".autocode/history.db", False),
        (".autocode", False),
        ("git_changes.json", False),
        ("reports/junit.xml", False),
        ("reports/other.txt", True),
        ("git_changes.json.bak", True),
        (".git_changes.json.d7ed9q7d.tmp", False),
        ("reports/.junit.xml.x1.tmp", False),
        ("reports/.other.txt.x1.tmp", True),
        ("tests/__pycache__/test_a.cpython-311.pyc", False),
        ("src/mod.pyc", False),
        (".pytest_cache/v/cache/lastfailed", False),
        ("node_modules/x/index.js", False),
        ("src/.app.py.swp", False),
        ("src/app.py~", False),
    ],
)
def test_the_first_stage_drops_git_internals_the_state_folder_and_declared_outputs(
    tmp_path: Path, path: str, kept: bool
) -> None:
    rules = ChangeFilter(tmp_path, ".autocode", ["git_changes.json", str(tmp_path / "reports/junit.xml")])
    assert rules.keeps(path) is kept
    assert rules(None, str(tmp_path / path)) is kept  # type: ignore[arg-type]


def test_outputs_outside_the_project_are_ignored_harmlessly(tmp_path: Path) -> None:
    rules = ChangeFilter(tmp_path / "p", "/var/elsewhere/state", ["../out.json"])
    assert rules.skipped == [] and rules.keeps("out.json")


@pytest.mark.anyio
async def test_git_ignore_uses_gits_own_rules_including_nested_files_and_deleted_paths(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "build/\n*.log\n!keep.log\n")
    git_repo.write("sub/.gitignore", "*.tmp\n")
    git_repo.write(".git/info/exclude", "secret.txt\n")
    paths = {"build/a.o", "build/deep/gone.o", "x.log", "keep.log", "sub/x.tmp", "x.tmp", "src/a.py",
             "secret.txt", ".git/HEAD"}
    rules = GitIgnore(git_repo.path)
    try:
        ignored = await rules.ignored(paths)
        again = await rules.ignored({"x.log", "y.py"})  # the same git process answers again
        git_repo.write(".gitignore", "*.py\n")
        changed = await rules.ignored({".gitignore", "x.log", "y.py"})  # new rules: a new process
    finally:
        await rules.aclose()
    assert ignored == {"build/a.o", "build/deep/gone.o", "x.log", "sub/x.tmp", "secret.txt"}
    assert again == {"x.log"} and changed == {"y.py"}


@pytest.mark.anyio
async def test_outside_git_the_root_gitignore_is_read_with_pathspec(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n*.pyc\n")
    ignored = await GitIgnore(tmp_path).ignored({"node_modules/x/y.js", "a.pyc", "a.py"})
    assert ignored == {"node_modules/x/y.js", "a.pyc"}
    assert await GitIgnore(tmp_path / "missing").ignored({"a.py"}) == set()
