"""Finding the work tree and running git in it."""

from __future__ import annotations

import pytest
from autocode_git.repository import GitRunner, git_environment, open_repository

from autocode_core import PluginError
from autocode_core.testing import make_context


def test_project_root_at_the_toplevel(git_repo):
    repository = open_repository(git_repo.path)

    assert repository.toplevel == git_repo.path.resolve() and repository.prefix == ""


def test_project_root_in_a_subfolder(git_repo):
    (git_repo.path / "a" / "b").mkdir(parents=True)

    repository = open_repository(git_repo.path / "a" / "b")

    assert repository.prefix == "a/b/"
    assert repository.to_project("a/b/x.py") == "x.py" and repository.to_top("x.py") == "a/b/x.py"


def test_not_a_repository_missing_path_and_bare_repository(tmp_path, git_repo):
    with pytest.raises(PluginError, match="not a git repository"):
        open_repository(tmp_path)
    with pytest.raises(PluginError, match="does not exist"):
        open_repository(tmp_path / "missing")
    git_repo.git("init", "-q", "--bare", str(tmp_path / "bare.git"))
    with pytest.raises(PluginError, match="bare"):
        open_repository(tmp_path / "bare.git")


def test_environment_cannot_redirect_git_and_takes_no_optional_locks():
    env = git_environment(
        {"GIT_DIR": "/elsewhere", "GIT_INDEX_FILE": "/x", "PATH": "/bin", "GIT_AUTHOR_NAME": "n"}
    )

    assert env == {
        "PATH": "/bin",
        "GIT_AUTHOR_NAME": "n",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_TERMINAL_PROMPT": "0",
    }


def test_runner_goes_through_run_process_and_reports_git_failures(git_repo):
    context = make_context("git_check", git_repo.path)
    run_git = GitRunner(open_repository(git_repo.path), context.run_process, timeout=30)

    assert run_git(["rev-parse", "--is-inside-work-tree"]) == b"true\n"
    with pytest.raises(PluginError, match=r"git rev-parse failed \(exit 128\)"):
        run_git(["rev-parse", "--verify", "no-such-ref"])
    assert run_git.calls == 2
