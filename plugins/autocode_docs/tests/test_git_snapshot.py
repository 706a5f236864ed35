"""Reading the work tree and history from git in a bounded number of calls."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from autocode_docs.git_snapshot import (
    GitError,
    NotAGitRepository,
    git_environment,
    read_git_snapshot,
    subprocess_git_runner,
)


def counting_runner(root: Path):
    inner = subprocess_git_runner(root)
    calls: list[list[str]] = []

    def run(args):
        calls.append(list(args))
        return inner(args)

    return run, calls


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
    snap = read_git_snapshot(subprocess_git_runner(git_repo.path))
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
    run, calls = counting_runner(git_repo.path)
    snap = read_git_snapshot(run, lambda files: ["pkg"])
    assert len(calls) == snap.calls == 4
    assert len(snap.log.changes) == 200
    assert calls[-1][-2:] == ["--", ":(literal)pkg"]


def test_project_root_in_a_subfolder_of_the_repository(git_repo):
    git_repo.write("outside.py", "o = 1\n")
    git_repo.write("proj/pkg/a.py", "a = 1\n")
    git_repo.write("proj/docs/pkg/a.md", "# a\n")
    git_repo.commit("base")
    git_repo.write("proj/pkg/a.py", "a = 2\n")
    git_repo.write("proj/pkg/b.py", "b = 1\n")
    snap = read_git_snapshot(subprocess_git_runner(git_repo.path / "proj"))
    assert snap.tracked == {"pkg/a.py", "docs/pkg/a.md"}
    assert snap.dirty == {"pkg/a.py"} and snap.untracked == {"pkg/b.py"}
    assert set(snap.log.changes) == {"pkg/a.py", "docs/pkg/a.md"}


def test_repository_without_commits(git_repo):
    git_repo.write("pkg/a.py", "a = 1\n")
    snap = read_git_snapshot(subprocess_git_runner(git_repo.path))
    assert snap.untracked == {"pkg/a.py"}
    assert snap.log.commits == []


def test_not_a_repository(tmp_path):
    with pytest.raises(NotAGitRepository):
        read_git_snapshot(subprocess_git_runner(tmp_path))


def test_git_missing_is_not_a_repository(tmp_path):
    def run(args):
        raise FileNotFoundError("git")

    with pytest.raises(NotAGitRepository, match="not available"):
        read_git_snapshot(run)


def test_unexpected_git_failure_is_a_git_error(git_repo):
    git_repo.write("a.py", "a = 1\n")
    git_repo.commit("base")
    real = subprocess_git_runner(git_repo.path)

    def run(args):
        if args[0] == "log":
            return subprocess.CompletedProcess(args, 128, b"", b"fatal: boom")
        return real(args)

    with pytest.raises(GitError, match="boom"):
        read_git_snapshot(run)


def test_environment_drops_redirections():
    env = git_environment({"GIT_DIR": "/elsewhere", "GIT_INDEX_FILE": "x", "PATH": "/bin"})
    assert "GIT_DIR" not in env and "GIT_INDEX_FILE" not in env
    assert env["GIT_OPTIONAL_LOCKS"] == "0" and env["PATH"] == "/bin"


def test_staged_rename_marks_the_new_path_changed(git_repo):
    git_repo.write("pkg/old.py", "".join(f"v{i} = {i}\n" for i in range(20)))
    git_repo.commit("base")
    git_repo.git("mv", "pkg/old.py", "pkg/new.py")
    snap = read_git_snapshot(subprocess_git_runner(git_repo.path))
    assert snap.tracked == {"pkg/new.py"} and snap.dirty == {"pkg/new.py"} and not snap.deleted


def test_project_folder_ignored_by_the_enclosing_repository(git_repo):
    git_repo.write(".gitignore", "scratch/\n")
    git_repo.commit("base")
    git_repo.write("scratch/proj/a.py", "a = 1\n")
    with pytest.raises(NotAGitRepository, match="ignored"):
        read_git_snapshot(subprocess_git_runner(git_repo.path / "scratch/proj"))
