"""The worker's checkout cache: exact commits, patches, a bounded number of worktrees."""

from __future__ import annotations

import subprocess

import pytest
from autocode_celery.checkout import CheckoutCache, CheckoutError


def test_checkouts_are_exact_patched_and_bounded(git_repo, tmp_path) -> None:
    commits = []
    for n in range(3):
        git_repo.write("data.txt", f"v{n}\n")
        commits.append(git_repo.commit(f"v{n}"))
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "--bare", "--quiet", str(git_repo.path), str(bare)], check=True)
    cache = CheckoutCache(tmp_path / "cache", max_worktrees=2)
    first = cache.checkout(str(bare), commits[0])
    assert (first / "data.txt").read_text() == "v0\n"
    patch = git_repo.git("diff", commits[2], commits[1])  # v2 -> v1, applied on v2
    patched = cache.checkout(str(bare), commits[2], patch)
    assert (patched / "data.txt").read_text() == "v1\n"
    assert cache.checkout(str(bare), commits[0]) == first  # reused, now the most recent
    git_repo.write("data.txt", "v3\n")
    newer = git_repo.commit("v3")
    subprocess.run(["git", "-C", str(git_repo.path), "push", "--quiet", str(bare), "HEAD"], check=True)
    assert (cache.checkout(str(bare), newer) / "data.txt").read_text() == "v3\n"  # fetched
    assert [p.name[:7] for p in cache.worktrees()] == [commits[0][:7], newer[:7]]
    assert not patched.exists()


def test_a_patch_that_does_not_apply_is_a_clear_error(git_repo, tmp_path) -> None:
    git_repo.write("data.txt", "v0\n")
    commit = git_repo.commit("v0")
    cache = CheckoutCache(tmp_path / "cache")
    with pytest.raises(CheckoutError, match="git apply"):
        cache.checkout(str(git_repo.path), commit, "--- a/nope\n+++ b/nope\n@@ -1 +1 @@\n-x\n+y\n")
    assert cache.worktrees() == []
