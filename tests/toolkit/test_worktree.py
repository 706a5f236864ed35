"""Where a project sits in git: toplevel, prefix, shallow clones, bare repositories, HEAD."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocode_core.testing import GitRepo, make_context
from autocode_core.toolkit import (
    GitRunner,
    NotAGitRepositoryError,
    find_work_tree,
    head_commit,
    is_work_tree,
)


def runner(root: Path) -> GitRunner:
    return GitRunner.from_context(make_context("check", root))


def test_project_root_at_the_toplevel(git_repo: GitRepo) -> None:
    repository = find_work_tree(runner(git_repo.path))

    assert repository.toplevel == git_repo.path.resolve() and repository.prefix == ""
    assert repository.shallow is False


def test_project_root_in_a_subfolder(git_repo: GitRepo) -> None:
    (git_repo.path / "a" / "b").mkdir(parents=True)

    repository = find_work_tree(runner(git_repo.path / "a" / "b"))

    assert repository.prefix == "a/b/"
    assert repository.to_project("a/b/x.py") == "x.py" and repository.to_top("x.py") == "a/b/x.py"
    assert repository.contains("a/b/x.py") and not repository.contains("a/c.py")
    assert repository.to_project("a/c.py") == "a/c.py"


def test_not_a_repository_missing_path_and_bare_repository(tmp_path: Path, git_repo: GitRepo) -> None:
    with pytest.raises(NotAGitRepositoryError, match="not a git repository"):
        find_work_tree(runner(tmp_path))
    with pytest.raises(NotAGitRepositoryError, match="does not exist"):
        find_work_tree(runner(tmp_path / "missing"))
    git_repo.git("init", "-q", "--bare", str(tmp_path / "bare.git"))
    with pytest.raises(NotAGitRepositoryError, match="bare"):
        find_work_tree(runner(tmp_path / "bare.git"))
    with pytest.raises(NotAGitRepositoryError, match="not in a git work tree"):
        find_work_tree(runner(git_repo.path / ".git"))


def test_is_work_tree(tmp_path: Path, git_repo: GitRepo) -> None:
    git_repo.git("init", "-q", "--bare", str(tmp_path / "bare.git"))

    assert is_work_tree(runner(git_repo.path))
    assert not is_work_tree(runner(tmp_path))
    assert not is_work_tree(runner(tmp_path / "bare.git"))
    assert not is_work_tree(runner(tmp_path / "missing"))


def test_shallow_clone(tmp_path: Path, git_repo: GitRepo) -> None:
    for n in range(3):
        git_repo.write("a.txt", f"{n}\n")
        git_repo.commit(f"c{n}")
    clone = tmp_path / "shallow"
    git_repo.git("clone", "-q", "--depth", "1", f"file://{git_repo.path}", str(clone))

    assert find_work_tree(runner(clone)).shallow is True
    assert find_work_tree(runner(git_repo.path)).shallow is False


def test_head_commit_of_an_unborn_and_a_committed_repository(
    tmp_path: Path, git_repo: GitRepo
) -> None:
    run_git = runner(git_repo.path)
    assert head_commit(run_git) is None

    sha = git_repo.commit("first")

    assert head_commit(run_git) == sha
    with pytest.raises(NotAGitRepositoryError):
        head_commit(runner(tmp_path))
