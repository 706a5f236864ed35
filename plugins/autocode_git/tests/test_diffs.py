"""Parsing ``git diff --numstat --patch -z`` output from real repositories."""

from __future__ import annotations

import os
import subprocess

from autocode_git.diffs import diff_command, parse_diff


def diff(repo, cached: bool) -> bytes:
    args = diff_command(["."], cached=cached, find_renames=True)
    return subprocess.run(["git", *args], cwd=repo.path, capture_output=True, check=True).stdout


def test_counts_patches_and_renames_pair_up(git_repo):
    git_repo.write("a b.txt", "1\n2\n3\n")
    git_repo.write("moved.txt", "".join(f"line {i}\n" for i in range(40)))
    git_repo.write("blob.bin", b"\x00\x01")
    git_repo.commit("base")
    git_repo.write("a b.txt", "1\nTWO\n3\n4\n")
    (git_repo.path / "sub").mkdir()
    git_repo.git("mv", "moved.txt", "sub/moved ñ.txt")
    git_repo.write("blob.bin", b"\x00\x02")
    git_repo.git("add", "-A")

    diffs = parse_diff(diff(git_repo, cached=True))

    by_path = {d.path: d for d in diffs}
    assert set(by_path) == {"a b.txt", "blob.bin", "sub/moved ñ.txt"}
    assert (by_path["a b.txt"].additions, by_path["a b.txt"].deletions) == (2, 1)
    assert "+TWO\n" in by_path["a b.txt"].patch and "moved" not in by_path["a b.txt"].patch
    assert by_path["sub/moved ñ.txt"].old_path == "moved.txt"
    assert by_path["blob.bin"].binary and by_path["blob.bin"].additions is None


def test_type_change_prints_two_blocks_counted_once(git_repo):
    git_repo.write("t", "file\n")
    git_repo.commit("base")
    (git_repo.path / "t").unlink()
    os.symlink("elsewhere", git_repo.path / "t")

    (only,) = parse_diff(diff(git_repo, cached=False))

    assert only.path == "t"
    assert only.patch.count("diff --git a/t b/t") == 2


def test_no_changes_no_output(git_repo):
    git_repo.commit("empty")

    assert parse_diff(diff(git_repo, cached=False)) == []
    assert parse_diff(diff(git_repo, cached=True)) == []
