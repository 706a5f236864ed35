"""Change-triggered runs judge only what changed, and answer exactly as a full run.

A seeded random sequence of edits, new files, renames, deletions, staging,
reverts and commits on a generated project; after each step the
incremental run (cache from the previous run + the step's changed paths)
must equal a full run without any cache.
"""

from __future__ import annotations

import random

import pytest
from autocode_docs.doc_check import check_docs
from autocode_docs.plugin import DocCheckPlugin
from autocode_docs.settings import DocsConfig

from autocode_core import AutocodeDaemon

SETTINGS = DocsConfig.model_validate({"index": {"enabled": False}})
IGNORED = {"git_calls", "incremental", "index"}


def comparable(result):
    details = {k: v for k, v in result.details.items() if k not in IGNORED}
    return result.status, result.message, details


def generated(repo):
    repo.write("pkg/__init__.py", "")
    for i in range(6):
        repo.write(f"pkg/m{i}.py", f"M = {i}\n")
        repo.write(f"docs/pkg/m{i}.md", f"# m{i}\n")
    repo.write("pkg/sub/__init__.py", "")
    repo.write("pkg/sub/s.py", "S = 1\n")
    repo.write("docs/pkg/sub/s.md", "# s\n")
    repo.write("docs/_index.md", "# Project\n")
    repo.write("docs/pkg/_module.md", "# pkg\n")
    repo.write("docs/pkg/sub/_module.md", "# sub\n")
    repo.write("docs/guide.md", "# a topic guide\n")
    repo.commit("generated")


def step(rng, repo, counter):
    """Apply one random change; returns the project paths it touched."""
    root = repo.path
    code = sorted(p.relative_to(root).as_posix() for p in root.glob("pkg/**/*.py"))
    docs = sorted(p.relative_to(root).as_posix() for p in root.glob("docs/**/*.md"))
    kind = rng.choice(
        ["edit", "edit", "edit_doc", "edit_doc", "new", "rename", "delete", "stage", "revert",
         "commit"]
    )
    if kind in ("edit", "edit_doc"):
        path = rng.choice(code if kind == "edit" else docs)
        (root / path).write_text((root / path).read_text() + f"# {counter}\n")
        return {path}
    if kind == "new":
        path = rng.choice(["pkg", "pkg/sub", "docs/pkg"]) + f"/n{counter}"
        path += ".md" if path.startswith("docs") else ".py"
        repo.write(path, "N = 1\n")
        return {path}
    if kind == "rename":
        old = rng.choice(code + docs)
        new = old.rpartition("/")[0] + f"/r{counter}" + old[old.rindex(".") :]
        (root / old).rename(root / new)
        return {old, new}
    if kind == "delete":
        path = rng.choice(code + docs)
        (root / path).unlink()
        return {path}
    if kind == "stage":
        path = rng.choice(code + docs)
        repo.git("add", "--", path)
        return set()
    if kind == "revert":
        path = rng.choice(repo.git("ls-files", "-z", "pkg", "docs").rstrip("\0").split("\0"))
        repo.git("checkout", "-q", "--", path)
        return {path}
    repo.commit(f"step {counter}")
    return set()


def test_two_hundred_random_steps_incremental_equals_full(git_repo, tmp_path):
    generated(git_repo)
    cache = tmp_path / "cache"
    check_docs(git_repo.path, SETTINGS, cache_dir=cache)
    rng = random.Random(15)
    reused = 0
    for counter in range(200):
        changed = step(rng, git_repo, counter)
        incremental = check_docs(
            git_repo.path, SETTINGS, cache_dir=cache, changed_paths=frozenset(changed)
        )
        full = check_docs(git_repo.path, SETTINGS)
        assert comparable(incremental) == comparable(full), (counter, changed)
        reused += incremental.details["incremental"]["reassessed"] is not None
    assert reused > 40  # the incremental path was really taken, not always the full one


@pytest.mark.anyio
async def test_a_change_triggered_daemon_run_reassesses_only_the_edited_file(git_repo):
    generated(git_repo)
    daemon = AutocodeDaemon(
        git_repo.path,
        {"checks": {"doc_check": {"index": {"enabled": False}}}},
        plugins=[DocCheckPlugin()],
        load_entry_points=False,
        environ={},
    )
    first = await daemon.run_check("doc_check")
    assert first.status == "success"
    git_repo.write("pkg/m1.py", "M = 'edited'\n")
    changed = frozenset({"pkg/m1.py"})
    result = await daemon.run_check("doc_check", "change", changed_paths=changed)
    # m1.md, the module document of pkg, the project index
    assert result.details["incremental"] == {"reassessed": 3}
    assert comparable(result) == comparable(check_docs(git_repo.path, SETTINGS))
    outdated = {e["doc_path"] for e in result.details["entries"]}
    assert outdated == {"docs/_index.md", "docs/pkg/_module.md", "docs/pkg/m1.md"}
