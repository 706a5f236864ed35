"""Conflicted paths get git's combined diff, matched even through C-quoted headers."""

from __future__ import annotations

import subprocess

import pytest
from autocode_git.conflicts import conflict_changes

from autocode_core.testing import make_context
from autocode_core.toolkit import GitRunner, find_work_tree

NAMES = ["plain.txt", 'quo"te.txt', "back\\slash.txt", "tab\there ñ.txt"]


def test_every_conflicted_path_gets_its_own_combined_diff(git_repo):
    for name in NAMES:
        git_repo.write(name, "base\n")
    git_repo.commit("base")
    git_repo.git("checkout", "-q", "-b", "other")
    for name in NAMES:
        git_repo.write(name, f"theirs {name}\n")
    git_repo.commit("theirs")
    git_repo.git("checkout", "-q", "main")
    for name in NAMES:
        git_repo.write(name, f"ours {name}\n")
    git_repo.commit("ours")
    with pytest.raises(subprocess.CalledProcessError):
        git_repo.git("merge", "-q", "other")
    run_git = GitRunner.from_context(make_context("git_check", git_repo.path))
    repository = find_work_tree(run_git)

    changes = conflict_changes(run_git, repository, sorted(NAMES), 100_000)

    assert [c.file for c in changes] == sorted(NAMES)
    for change in changes:
        assert change.status == "conflicted" and change.diff.startswith("diff --cc ")
        assert f"theirs {change.file}" in change.diff and f"ours {change.file}" in change.diff
    assert run_git.calls == 2  # find_work_tree, then one diff for every conflict
