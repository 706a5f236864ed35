"""Parsing ``git status --porcelain=v2 -z`` output from real repositories."""

from __future__ import annotations

import subprocess

from autocode_git.status import StatusEntry, parse_status, status_command


def status(repo, untracked: bool = True) -> bytes:
    args = status_command(["."], untracked=untracked, find_renames=True)
    return subprocess.run(["git", *args], cwd=repo.path, capture_output=True, check=True).stdout


def test_entries_of_every_kind(git_repo):
    git_repo.write("mod.txt", "a\n")
    git_repo.write("ren old.txt", "".join(f"{i}\n" for i in range(30)))
    git_repo.commit("base")
    git_repo.write("mod.txt", "b\n")
    git_repo.git("add", "mod.txt")
    git_repo.write("mod.txt", "c\n")
    git_repo.git("mv", "ren old.txt", 'ren "new".txt')
    git_repo.write("dir/untracked ñ.txt", "u\n")

    report = parse_status(status(git_repo))

    assert report.branch == "main" and report.head == git_repo.git("rev-parse", "HEAD").strip()
    assert sorted(report.entries, key=lambda e: e.path) == [
        StatusEntry("untracked", "dir/untracked ñ.txt", ".", "?"),
        StatusEntry("ordinary", "mod.txt", "M", "M"),
        StatusEntry("renamed", 'ren "new".txt', "R", ".", "ren old.txt"),
    ]


def test_unborn_and_detached(git_repo):
    report = parse_status(status(git_repo))
    assert report.unborn and report.head is None and report.branch == "main"

    git_repo.commit("one")
    git_repo.git("checkout", "-q", "--detach")
    report = parse_status(status(git_repo))
    assert report.detached and not report.unborn


def test_untracked_can_be_left_out(git_repo):
    git_repo.write("u.txt", "u\n")

    assert parse_status(status(git_repo, untracked=False)).entries == []
