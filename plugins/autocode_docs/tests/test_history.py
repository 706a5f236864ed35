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


# --- issue 12: merges, moves into the project, shallow clones (real repositories) ---------


def check(path, **settings):
    from autocode_docs.doc_check import check_docs

    return check_docs(path, DocsConfig.model_validate({"index": {"enabled": False}, **settings}))


def states(result):
    return {e["doc_path"]: e for e in result.details["entries"]}


def git_behind(repo, doc, code):
    """``git rev-list --no-merges HEAD ^<each commit that changed doc> -- code | wc -l``."""
    doc_commits = repo.git("log", "--format=%H", "--", doc).split()
    listed = repo.git(
        "rev-list", "--no-merges", "HEAD", *(f"^{c}" for c in doc_commits), "--", code
    )
    return len(listed.split())


def test_merge_of_a_code_change_the_doc_never_saw_is_outdated(git_repo):
    git_repo.write("pkg/m.py", "M = 1\n")
    git_repo.write("docs/pkg/m.md", "# m\n")
    git_repo.commit("code and doc", date="2026-01-01T10:00:00Z")
    git_repo.git("checkout", "-q", "-b", "feature")
    git_repo.write("pkg/m.py", "M = 2\n")
    git_repo.commit("code on a branch", date="2026-01-02T10:00:00Z")
    git_repo.git("checkout", "-q", "main")
    git_repo.write("docs/pkg/m.md", "# m\nedited\n")
    doc_commit = git_repo.commit("doc on main", date="2026-01-03T10:00:00Z")
    env = {"GIT_AUTHOR_DATE": "2026-01-04T10:00:00Z", "GIT_COMMITTER_DATE": "2026-01-04T10:00:00Z"}
    git_repo.git("merge", "-q", "--no-ff", "-m", "merge", "feature", env=env)
    assert git_repo.git("rev-list", f"{doc_commit}..HEAD", "--", "pkg/m.py").strip()
    entry = states(check(git_repo.path))["docs/pkg/m.md"]
    assert entry["status"] == "outdated"
    assert entry["commits_behind"] == git_behind(git_repo, "docs/pkg/m.md", "pkg/m.py") == 1
    # once the doc is edited after the merge, it has seen the change
    git_repo.write("docs/pkg/m.md", "# m\nafter the merge\n")
    git_repo.commit("doc after merge", date="2026-01-05T10:00:00Z")
    assert "docs/pkg/m.md" not in states(check(git_repo.path))


def test_commits_behind_is_the_non_merge_ancestry_count_across_branches(git_repo):
    files = ["a", "b", "c"]
    for name in files:
        git_repo.write(f"pkg/{name}.py", "0\n")
        git_repo.write(f"docs/pkg/{name}.md", "0\n")
    git_repo.commit("start", date="2026-01-01T00:00:00Z")
    day = 1
    for round_ in range(3):
        split = [files[round_], files[(round_ + 1) % 3]], [files[(round_ + 2) % 3]]
        for branch, edits in zip(("one", "two"), split, strict=True):
            git_repo.git("checkout", "-q", "-B", branch, "main")
            for name in edits:
                day += 1
                git_repo.write(f"pkg/{name}.py", f"{round_} {branch}\n")
                git_repo.commit(f"{branch} {name}", date=f"2026-01-{day:02d}T00:00:00Z")
        git_repo.git("checkout", "-q", "main")
        day += 1
        git_repo.write(f"docs/pkg/{files[round_]}.md", f"doc {round_}\n")
        git_repo.commit(f"doc {round_}", date=f"2026-01-{day:02d}T00:00:00Z")
        for branch in ("one", "two"):
            day += 1
            env = {"GIT_AUTHOR_DATE": f"2026-01-{day:02d}T00:00:00Z"}
            env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
            git_repo.git("merge", "-q", "--no-ff", "-m", f"merge {branch}", branch, env=env)
    found = states(check(git_repo.path))
    for name in files:
        doc, code = f"docs/pkg/{name}.md", f"pkg/{name}.py"
        expected = git_behind(git_repo, doc, code)
        assert expected > 0
        assert found[doc]["commits_behind"] == expected, doc


def test_a_wrong_clock_changes_nothing(skewed_repo):
    git_repo = skewed_repo
    shown = git_repo.git("log", "--format=%s", "--", "pkg", "docs").splitlines()
    # git's own order lists the parent before its child: the log is put in graph order
    assert shown.index("code, clock ahead") < shown.index("code on top of it, clock right")
    entry = states(check(git_repo.path))["docs/pkg/m.md"]
    assert entry["status"] == "outdated"
    assert entry["commits_behind"] == git_behind(git_repo, "docs/pkg/m.md", "pkg/m.py") == 2


def test_code_moved_into_the_project_with_its_docs_is_not_a_change(git_repo):
    git_repo.write("pkg/__init__.py", "")
    git_repo.write("vendor/m.py", "".join(f"line_{i} = {i}\n" for i in range(20)))
    git_repo.write("docs/vendor/m.md", "# m\n")
    git_repo.write("vendor/n.py", "".join(f"other_{i} = {i}\n" for i in range(20)))
    git_repo.write("docs/vendor/n.md", "# n\n")
    git_repo.commit("outside the package")
    (git_repo.path / "docs/pkg").mkdir()
    for old, new in [
        ("vendor/m.py", "pkg/m.py"),
        ("docs/vendor/m.md", "docs/pkg/m.md"),
        ("vendor/n.py", "pkg/n.py"),
        ("docs/vendor/n.md", "docs/pkg/n.md"),
    ]:
        git_repo.git("mv", old, new)
    git_repo.write("pkg/n.py", "".join(f"other_{i} = {i}\n" for i in range(19)) + "edited = 1\n")
    git_repo.commit("move both into the package; n is also edited")
    found = states(check(git_repo.path, directories=["pkg"]))
    assert "docs/pkg/m.md" not in found  # pure renames on both sides change nothing
    assert found["docs/pkg/n.md"]["status"] == "outdated"
    assert found["docs/pkg/n.md"]["commits_behind"] == 1


def test_code_moved_from_elsewhere_in_the_repository_into_a_subfolder_project(git_repo):
    # a monorepo: the project is proj/; code comes in from the repository's own vendor/
    git_repo.write("proj/pkg/__init__.py", "")
    git_repo.write("proj/docs/pkg/m.md", "# m\n")
    git_repo.write("proj/docs/pkg/n.md", "# n\n")
    git_repo.write("vendor/m.py", "".join(f"line_{i} = {i}\n" for i in range(20)))
    git_repo.write("vendor/n.py", "".join(f"other_{i} = {i}\n" for i in range(20)))
    git_repo.write("elsewhere/big.txt", "x\n")
    git_repo.commit("start", date="2026-01-01T00:00:00Z")
    git_repo.git("mv", "vendor/m.py", "proj/pkg/m.py")
    git_repo.git("mv", "vendor/n.py", "proj/pkg/n.py")
    git_repo.write("proj/pkg/n.py", "".join(f"other_{i} = {i}\n" for i in range(19)) + "e = 1\n")
    git_repo.commit("move both in; n is also edited", date="2026-01-02T00:00:00Z")
    git_repo.write("proj/pkg/o.py", "o = 1\n")
    git_repo.write("proj/docs/pkg/o.md", "# o\n")
    (git_repo.path / "elsewhere/big.txt").unlink()
    git_repo.commit("adds o, deletes a file elsewhere", date="2026-01-03T00:00:00Z")
    found = states(check(git_repo.path / "proj", directories=["pkg"]))
    assert "docs/pkg/m.md" not in found and "docs/pkg/o.md" not in found
    assert found["docs/pkg/n.md"]["status"] == "outdated"
    assert found["docs/pkg/n.md"]["commits_behind"] == 1


def shallow_pair(git_repo, tmp_path):
    git_repo.write("pkg/a.py", "A = 1\n")
    git_repo.write("pkg/b.py", "B = 1\n")
    git_repo.write("docs/pkg/a.md", "# a\n")
    git_repo.write("docs/pkg/b.md", "# b\n")
    git_repo.commit("one")
    git_repo.write("pkg/b.py", "B = 2\n")
    git_repo.commit("b changes")
    git_repo.write("pkg/a.py", "A = 2\n")
    git_repo.commit("a changes")
    return f"file://{git_repo.path}"


def test_shallow_clone_says_so_and_never_claims_up_to_date_without_evidence(git_repo, tmp_path):
    url = shallow_pair(git_repo, tmp_path)
    full = states(check(git_repo.path))
    assert full["docs/pkg/a.md"]["status"] == full["docs/pkg/b.md"]["status"] == "outdated"
    git_repo.git("clone", "-q", "--depth", "1", url, str(tmp_path / "depth1"))
    result = check(tmp_path / "depth1")
    assert result.details["history"] == "shallow"
    assert "shallow clone" in result.details["history_note"]
    assert result.details["counts"]["up_to_date"] == 0
    assert set(result.details["unknown"]) >= {"docs/pkg/a.md", "docs/pkg/b.md"}
    assert "All documentation is up to date" not in result.message
    assert "could not be judged" in result.message
    # two commits of history: a's change is visible after the horizon (evidence), b's is not
    git_repo.git("clone", "-q", "--depth", "2", url, str(tmp_path / "depth2"))
    found = check(tmp_path / "depth2")
    entries = states(found)
    assert entries["docs/pkg/a.md"]["status"] == "outdated"
    assert entries["docs/pkg/a.md"]["commits_behind"] == 1
    assert "docs/pkg/b.md" in found.details["unknown"]
