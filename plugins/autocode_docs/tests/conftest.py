"""Repositories shared by the plugin's tests."""

from __future__ import annotations

import pytest

from autocode_core.testing import GitRepo


@pytest.fixture
def skewed_repo(git_repo: GitRepo) -> GitRepo:
    """A parent dated after its child (a wrong clock), merged so that git's default
    log order (committer date) lists the parent first."""
    git_repo.write("pkg/m.py", "M = 0\n")
    git_repo.write("docs/pkg/m.md", "# m\n")
    git_repo.commit("start", date="2026-01-01T00:00:00Z")
    git_repo.git("checkout", "-q", "-b", "ahead")
    git_repo.write("pkg/m.py", "M = 1\n")
    ahead = git_repo.commit("code, clock ahead", date="2026-01-10T00:00:00Z")
    git_repo.git("checkout", "-q", "-b", "behind")
    git_repo.write("pkg/m.py", "M = 2\n")
    git_repo.commit("code on top of it, clock right", date="2026-01-02T00:00:00Z")
    git_repo.git("checkout", "-q", "main")
    git_repo.write("docs/pkg/m.md", "# m\nedited\n")
    git_repo.commit("doc", date="2026-01-03T00:00:00Z")
    for when, branch in (("11", ahead), ("12", "behind")):
        env = {"GIT_AUTHOR_DATE": f"2026-01-{when}T00:00:00Z"}
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
        git_repo.git("merge", "-q", "--no-ff", "-m", f"merge {branch}", branch, env=env)
    return git_repo
