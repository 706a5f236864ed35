"""Verdicts from git history and from modification times."""

from __future__ import annotations

import os

from autocode_docs.git_snapshot import read_git_snapshot
from autocode_docs.history import GitHistory, MtimeHistory, iso_time
from autocode_docs.layout import Layout
from autocode_docs.settings import DocsConfig

from autocode_core.toolkit import GitRunner


def git_history(repo):
    snap = read_git_snapshot(GitRunner(repo.path))
    return GitHistory(repo.path, snap, Layout(DocsConfig(), roots=["pkg"]))


def test_git_file_verdicts(git_repo):
    git_repo.write("pkg/a.py", "1\n")
    git_repo.write("docs/pkg/a.md", "a\n")
    git_repo.commit("one", date="2026-03-01T10:00:00Z")
    git_repo.write("pkg/a.py", "2\n")
    git_repo.commit("two")
    history = git_history(git_repo)
    verdict = history.file_verdict("pkg/a.py", "docs/pkg/a.md")
    assert verdict.outdated and verdict.commits_behind == 1 and not verdict.uncommitted_changes
    assert history.last_change("docs/pkg/a.md") == "2026-03-01T10:00:00+00:00"
    assert history.mode == "git" and history.note is None


def test_git_folder_verdicts_count_distinct_commits_and_deletions(git_repo):
    git_repo.write("pkg/a.py", "1\n")
    git_repo.write("pkg/sub/b.py", "1\n")
    git_repo.write("docs/pkg/_module.md", "m\n")
    git_repo.commit("one")
    git_repo.write("pkg/a.py", "2\n")
    git_repo.write("pkg/sub/b.py", "2\n")
    git_repo.commit("two files, one commit")
    git_repo.write("pkg/sub/b.py", "3\n")
    git_repo.commit("three")
    history = git_history(git_repo)
    verdict = history.folder_verdict("pkg", ["pkg/a.py", "pkg/sub/b.py"], "docs/pkg/_module.md")
    assert verdict.commits_behind == 2
    (git_repo.path / "pkg/a.py").unlink()
    history = git_history(git_repo)
    verdict = history.folder_verdict("pkg", ["pkg/sub/b.py"], "docs/pkg/_module.md")
    assert verdict.uncommitted_changes is True


def test_mtime_verdicts(tmp_path):
    for rel in ["a.py", "b.py", "a.md"]:
        (tmp_path / rel).write_text("x")
    os.utime(tmp_path / "a.md", (1000, 1000))
    os.utime(tmp_path / "a.py", (900, 900))
    os.utime(tmp_path / "b.py", (2000, 2000))
    history = MtimeHistory(tmp_path, "not a git repository")
    assert not history.file_verdict("a.py", "a.md").outdated
    assert history.file_verdict("b.py", "a.md").outdated
    assert history.folder_verdict("", ["a.py", "b.py", "gone.py"], "a.md").outdated
    assert history.file_verdict("b.py", "a.md").commits_behind is None
    assert history.last_change("a.md") == iso_time(1000) == "1970-01-01T00:16:40+00:00"
    assert history.last_change("gone.md") is None
