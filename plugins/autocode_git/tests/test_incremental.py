"""Change-triggered ``git_check`` runs reread only what changed and answer as a full run.

A seeded random sequence of edits, new files, deletions, renames (``git mv``),
staging, unstaging and commits; after each step ``collect_changes`` with the
previous run's ``ChangeCache`` and the step's changed paths must give the
same summary as a full read, while diffing fewer files.
"""

from __future__ import annotations

import random
from dataclasses import asdict

import pytest
from autocode_git.incremental import ChangeCache
from autocode_git.plugin import GitCheckPlugin
from autocode_git.settings import GitCheckSettings
from autocode_git.summary import collect_changes

from autocode_core import AutocodeDaemon
from autocode_core.toolkit import GitRunner, find_work_tree

SETTINGS = GitCheckSettings()


def read(root, cache=None, changed=None):
    git = GitRunner(root, config={"status.renames": "copies"})
    tree = find_work_tree(git)
    reuse = cache.reuser("k", tree, changed) if cache is not None else None
    summary = collect_changes(tree, git, SETTINGS, ["git_changes.json"], reuse=reuse)
    if cache is not None:
        cache.save("k", tree, summary.entries, summary.changes)
    comparable = (
        [asdict(c) for c in summary.changes],
        summary.categories,
        summary.staged_files,
        summary.unstaged_files,
        summary.head,
    )
    return comparable, summary.diffed


def step(rng, repo, n):
    root = repo.path
    files = sorted(p.relative_to(root).as_posix() for p in root.glob("src/*.txt"))
    tracked = repo.git("ls-files", "src").split()
    kind = rng.choice(["edit", "edit", "new", "delete", "mv", "add", "unstage", "commit"])
    if kind == "edit" and files:
        path = rng.choice(files)
        (root / path).write_text((root / path).read_text() + f"line {n}\n")
        return {path}
    if kind == "new" or not files:
        path = f"src/new{n}.txt"
        repo.write(path, "".join(f"new {n} {i}\n" for i in range(5)))
        return {path}
    if kind == "delete":
        path = rng.choice(files)
        (root / path).unlink()
        return {path}
    if kind == "mv" and tracked:
        old = rng.choice(tracked)
        if not (root / old).exists():
            return set()
        new = f"src/moved{n}.txt"
        repo.git("mv", old, new)
        return {old, new}
    if kind == "add":
        repo.git("add", "-A", "src")
        return set()
    if kind == "unstage" and tracked:
        repo.git("reset", "-q", "--", rng.choice(tracked))
        return set()
    if kind == "commit":
        repo.commit(f"step {n}")
    return set()


def test_two_hundred_random_steps_incremental_equals_full(git_repo, tmp_path):
    for i in range(8):
        git_repo.write(f"src/f{i}.txt", "".join(f"line {i} {j}\n" for j in range(6)))
    git_repo.commit("start")
    cache = ChangeCache(tmp_path / "cache.pickle")
    read(git_repo.path, cache)
    rng = random.Random(15)
    saved = 0
    for n in range(200):
        changed = frozenset(step(rng, git_repo, n))
        incremental, diffed = read(git_repo.path, cache, changed)
        full, everything = read(git_repo.path)
        assert incremental == full, (n, changed)
        saved += everything - diffed
    assert saved > 100  # entries reused rather than read again


@pytest.mark.anyio
async def test_a_change_triggered_daemon_run_rereads_only_the_edited_file(git_repo):
    for i in range(5):
        git_repo.write(f"src/f{i}.txt", "a\n")
    git_repo.commit("start")
    for i in range(5):
        git_repo.write(f"src/f{i}.txt", "a\nb\n")
    daemon = AutocodeDaemon(
        git_repo.path, {}, plugins=[GitCheckPlugin()], load_entry_points=False, environ={}
    )
    await daemon.run_check("git_check")
    git_repo.write("src/f3.txt", "a\nb\nc\n")
    result = await daemon.run_check("git_check", "change", changed_paths=frozenset({"src/f3.txt"}))
    assert result.details["incremental"] == {"reread": 1}
    full = await daemon.run_check("git_check")
    assert full.details["repository_status"] == result.details["repository_status"]
    assert full.details["tokens"]["total"] == result.details["tokens"]["total"]
