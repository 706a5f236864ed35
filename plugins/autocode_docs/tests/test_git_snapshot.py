"""Reading the work tree and history from git in a bounded number of calls."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from autocode_docs.git_snapshot import log_command, read_git_snapshot

from autocode_core.testing import make_context
from autocode_core.toolkit import GitError, GitNotFoundError, GitRunner, NotAGitRepositoryError


def runner(root: Path) -> GitRunner:
    return GitRunner.from_context(make_context("doc_check", root))


def test_tracked_untracked_dirty_deleted_and_ignored(git_repo):
    git_repo.write(".gitignore", "generated/\n*.log\n")
    git_repo.write("pkg/clean.py", "a = 1\n")
    git_repo.write("pkg/edited.py", "a = 1\n")
    git_repo.write("pkg/staged.py", "a = 1\n")
    git_repo.write("pkg/gone.py", "a = 1\n")
    git_repo.commit("base")
    git_repo.write("pkg/edited.py", "a = 2\n")
    git_repo.write("pkg/staged.py", "a = 2\n")
    git_repo.git("add", "pkg/staged.py")
    (git_repo.path / "pkg/gone.py").unlink()
    git_repo.write("pkg/new.py", "n = 1\n")
    git_repo.write("generated/out.py", "x = 1\n")
    git_repo.write("pkg/debug.log", "x\n")
    snap = read_git_snapshot(runner(git_repo.path))
    assert snap.tracked == {".gitignore", "pkg/clean.py", "pkg/edited.py", "pkg/staged.py"}
    assert snap.deleted == {"pkg/gone.py"}
    assert snap.untracked == {"pkg/new.py"}
    assert snap.dirty == {"pkg/edited.py", "pkg/staged.py"}
    assert "generated/out.py" not in snap.files and "pkg/debug.log" not in snap.files
    assert snap.is_changed("pkg/new.py") and not snap.is_changed("pkg/clean.py")


def test_bounded_number_of_git_calls_whatever_the_size(git_repo):
    for i in range(200):
        git_repo.write(f"pkg/m{i}.py", f"x = {i}\n")
    git_repo.commit("many")
    run = runner(git_repo.path)
    snap = read_git_snapshot(run, lambda files: ["pkg"])
    assert run.calls == snap.calls == 6
    assert len(snap.log.changes) == 200
    assert log_command([":(literal)pkg"])[-2:] == ["--", ":(literal)pkg"]


def test_project_root_in_a_subfolder_of_the_repository(git_repo):
    git_repo.write("outside.py", "o = 1\n")
    git_repo.write("proj/pkg/a.py", "a = 1\n")
    git_repo.write("proj/docs/pkg/a.md", "# a\n")
    git_repo.commit("base")
    git_repo.write("proj/pkg/a.py", "a = 2\n")
    git_repo.write("proj/pkg/b.py", "b = 1\n")
    snap = read_git_snapshot(runner(git_repo.path / "proj"))
    assert snap.tracked == {"pkg/a.py", "docs/pkg/a.md"}
    assert snap.dirty == {"pkg/a.py"} and snap.untracked == {"pkg/b.py"}
    assert set(snap.log.changes) == {"pkg/a.py", "docs/pkg/a.md"}


def test_repository_without_commits(git_repo):
    git_repo.write("pkg/a.py", "a = 1\n")
    snap = read_git_snapshot(runner(git_repo.path))
    assert snap.untracked == {"pkg/a.py"}
    assert snap.log.commits == []


def test_not_a_repository(tmp_path):
    with pytest.raises(NotAGitRepositoryError):
        read_git_snapshot(runner(tmp_path))


def test_git_missing_is_reported_as_such(tmp_path):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    with pytest.raises(GitNotFoundError, match="not installed"):
        read_git_snapshot(GitRunner(tmp_path, environ={"PATH": os.fspath(empty_bin)}))


def test_unexpected_git_failure_is_a_git_error(git_repo):
    """A repository whose oldest tree object is lost: status works, the log cannot."""
    git_repo.write("a.py", "a = 1\n")
    first = git_repo.commit("base")
    git_repo.write("a.py", "a = 2\n")
    git_repo.commit("second")
    tree = git_repo.git("rev-parse", f"{first}^{{tree}}").strip()
    (git_repo.path / ".git" / "objects" / tree[:2] / tree[2:]).unlink()

    with pytest.raises(GitError, match=r"git log failed \(exit 128\): .*" + tree):
        read_git_snapshot(runner(git_repo.path))


def test_staged_rename_marks_the_new_path_changed(git_repo):
    git_repo.write("pkg/old.py", "".join(f"v{i} = {i}\n" for i in range(20)))
    git_repo.commit("base")
    git_repo.git("mv", "pkg/old.py", "pkg/new.py")
    snap = read_git_snapshot(runner(git_repo.path))
    assert snap.tracked == {"pkg/new.py"} and snap.dirty == {"pkg/new.py"} and not snap.deleted


def test_project_folder_ignored_by_the_enclosing_repository(git_repo):
    git_repo.write(".gitignore", "scratch/\n")
    git_repo.commit("base")
    git_repo.write("scratch/proj/a.py", "a = 1\n")
    with pytest.raises(NotAGitRepositoryError, match="ignored"):
        read_git_snapshot(runner(git_repo.path / "scratch/proj"))


def test_staged_changes_and_deletions_in_a_project_below_the_toplevel(git_repo):
    git_repo.write("proj/pkg/a.py", "a = 1\n")
    git_repo.write("proj/pkg/b.py", "b = 1\n")
    git_repo.write("proj/pkg/c.py", "c = 1\n")
    git_repo.write("other/x.py", "x = 1\n")
    git_repo.commit("base")
    git_repo.write("proj/pkg/a.py", "a = 2\n")
    git_repo.git("add", "proj/pkg/a.py")
    git_repo.git("rm", "-q", "proj/pkg/b.py")
    git_repo.write("proj/pkg/c.py", "c = 2\n")  # unstaged
    git_repo.write("other/x.py", "x = 2\n")
    git_repo.git("add", "other/x.py")  # staged, outside the project
    snap = read_git_snapshot(runner(git_repo.path / "proj"))
    assert snap.tracked == {"pkg/a.py", "pkg/c.py"}
    assert snap.deleted == {"pkg/b.py"}
    assert snap.dirty == {"pkg/a.py", "pkg/c.py"}
    assert snap.calls == 6


def test_the_log_started_from_the_index_is_used_only_for_the_same_folders(git_repo):
    git_repo.write("pkg/__init__.py", "")
    git_repo.write("lib/__init__.py", "")
    git_repo.write("lib/x.py", "x = 1\n")
    git_repo.commit("base")
    git_repo.write("lib/x.py", "x = 2\n")
    only_lib = git_repo.commit("lib only")
    git_repo.write("pkg/a.py", "a = 1\n")
    git_repo.commit("pkg only")

    def packages(files: set[str]) -> list[str]:
        return sorted({f.split("/")[0] for f in files if f.endswith("/__init__.py")})

    run = runner(git_repo.path)
    snap = read_git_snapshot(run, packages)
    assert len(snap.log.commits) == 3
    once = snap.calls  # the early log (and its diff-tree) was the right one
    # lib/ stops being a package in the work tree only: the index still names it, so the
    # log started early covers lib/ and pkg/; the final listing names pkg/ alone
    (git_repo.path / "lib/__init__.py").unlink()
    run = runner(git_repo.path)
    snap = read_git_snapshot(run, packages)
    shas = [c.sha for c in snap.log.commits]
    assert only_lib not in shas
    assert shas == git_repo.git("log", "--format=%H", "--", "pkg").split()
    assert set(snap.log.touches) == {"pkg/__init__.py", "pkg/a.py"}
    assert snap.calls == once + 2  # the log and its diff-tree again, over the right folders
