"""The change summary against what git itself reports, case by case, in real repositories."""

from __future__ import annotations

import os
import subprocess

import pytest


def numstat(repo, *args: str) -> dict[str, tuple[str, str]]:
    out = repo.git("diff", "--numstat", *args)
    rows = (line.split("\t") for line in out.splitlines() if line)
    return {path: (a, d) for a, d, path in rows}


def test_staged_unstaged_and_both(git_repo, run_git_check):
    git_repo.write("both.txt", "one\ntwo\n")
    git_repo.write("staged.txt", "s\n")
    git_repo.write("unstaged.txt", "u\n")
    git_repo.commit("base")
    git_repo.write("both.txt", "one\ntwo\nthree\n")
    git_repo.write("staged.txt", "s\ns2\n")
    git_repo.git("add", "both.txt", "staged.txt")
    git_repo.write("both.txt", "zero\none\ntwo\nthree\n")
    git_repo.write("unstaged.txt", "")

    result, summary = run_git_check(git_repo.path)

    changes = run_git_check.by_file(summary)
    assert set(changes) == {
        ("both.txt", True),
        ("both.txt", False),
        ("staged.txt", True),
        ("unstaged.txt", False),
    }
    cached, worktree = numstat(git_repo, "--cached"), numstat(git_repo)
    for (path, staged), change in changes.items():
        expected = (cached if staged else worktree)[path]
        assert (str(change["additions"]), str(change["deletions"])) == expected
        assert change["status"] == "modified"
    # the unstaged diff is against the index: only the line added after staging
    unstaged_both = changes[("both.txt", False)]["diff"]
    assert "+zero\n" in unstaged_both and "+three" not in unstaged_both
    assert "+three\n" in changes[("both.txt", True)]["diff"]
    assert summary["repository_status"]["total_files"] == 3
    assert summary["repository_status"]["modified"] == 3
    assert summary["repository_status"]["staged"] == 2
    assert summary["repository_status"]["unstaged"] == 2
    assert summary["modified_files"] == ["both.txt", "staged.txt", "unstaged.txt"]
    assert result.status == "warning"
    assert result.message == "📊 3 files changed (3 modified)"


def test_untracked_follow_gits_ignore_rules_with_nested_gitignore_and_negation(
    git_repo, run_git_check
):
    git_repo.write(".gitignore", "*.log\n!keep.log\nbuild/\n")
    git_repo.write("sub/.gitignore", "*.tmp\n!important.tmp\nsecret/\n")
    git_repo.commit("ignores")
    for path in (
        "a.log",
        "keep.log",
        "build/out.txt",
        "sub/x.tmp",
        "sub/important.tmp",
        "sub/secret/k.txt",
        "sub/deep/new.py",
        "top.txt",
        "sub/deep/also.log",
    ):
        git_repo.write(path, "content\n")

    _, summary = run_git_check(git_repo.path)

    reported = {c["file"] for c in summary["changes"] if c["status"] == "untracked"}
    expected = set(
        git_repo.git(
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--",
            ".",
            ":!git_changes.json",
            ":!.autocode",
        ).split("\0")
    ) - {""}
    assert reported == expected == {"keep.log", "sub/important.tmp", "sub/deep/new.py", "top.txt"}
    assert summary["repository_status"]["untracked"] == 4
    new_py = run_git_check.by_file(summary)[("sub/deep/new.py", False)]
    assert new_py["additions"] == 1 and new_py["deletions"] == 0
    assert "+content\n" in new_py["diff"] and new_py["diff"].startswith(
        "diff --git a/sub/deep/new.py"
    )


def test_staged_rename_has_old_file(git_repo, run_git_check):
    git_repo.write("old name.txt", "".join(f"line {i}\n" for i in range(20)))
    git_repo.commit("base")
    git_repo.git("mv", "old name.txt", "new name.txt")

    _, summary = run_git_check(git_repo.path)

    (change,) = summary["changes"]
    assert change["status"] == "renamed"
    assert change["file"] == "new name.txt" and change["old_file"] == "old name.txt"
    assert change["staged"] is True
    assert (change["additions"], change["deletions"]) == (0, 0)
    assert summary["repository_status"]["renamed"] == 1
    assert summary["repository_status"]["total_files"] == 1


def test_deletions_staged_and_unstaged(git_repo, run_git_check):
    git_repo.write("gone_staged.txt", "a\nb\n")
    git_repo.write("gone_unstaged.txt", "c\n")
    git_repo.commit("base")
    git_repo.git("rm", "-q", "gone_staged.txt")
    (git_repo.path / "gone_unstaged.txt").unlink()

    _, summary = run_git_check(git_repo.path)

    changes = run_git_check.by_file(summary)
    assert changes[("gone_staged.txt", True)]["status"] == "deleted"
    assert changes[("gone_staged.txt", True)]["deletions"] == 2
    assert changes[("gone_unstaged.txt", False)]["status"] == "deleted"
    assert summary["repository_status"]["deleted"] == 2


def test_binary_files_have_no_line_counts(git_repo, run_git_check):
    git_repo.write("image.bin", b"\x00\x01\x02binary")
    git_repo.commit("base")
    git_repo.write("image.bin", b"\x00\x01\x03changed")
    git_repo.write("new.bin", b"\x89PNG\x00\x00")

    _, summary = run_git_check(git_repo.path)

    changes = run_git_check.by_file(summary)
    modified, untracked = changes[("image.bin", False)], changes[("new.bin", False)]
    assert numstat(git_repo)["image.bin"] == ("-", "-")
    assert (
        modified["binary"] is True
        and modified["additions"] is None
        and modified["deletions"] is None
    )
    assert "Binary files" in modified["diff"]
    assert untracked["binary"] is True and untracked["additions"] is None
    assert "Binary files /dev/null and b/new.bin differ" in untracked["diff"]


@pytest.mark.parametrize(
    "name",
    [
        "with space.txt",
        'quote"d.txt',
        "back\\slash.txt",
        "ñandú €.txt",
        "日本語/ファイル.md",
        "-dash.txt",
        "tab\tname.txt",
    ],
)
def test_unusual_paths_are_reported_exactly(git_repo, run_git_check, name):
    git_repo.write(name, "v1\n")
    git_repo.commit("base")
    git_repo.write(name, "v2\n")
    git_repo.git("add", "--", name)
    git_repo.write("x " + name.replace("/", "_"), "untracked\n")

    _, summary = run_git_check(git_repo.path)

    files = {(c["file"], c["status"]) for c in summary["changes"]}
    assert files == {(name, "modified"), ("x " + name.replace("/", "_"), "untracked")}
    staged = run_git_check.by_file(summary)[(name, True)]
    assert (staged["additions"], staged["deletions"]) == (1, 1)


def test_newline_in_a_path(git_repo, run_git_check):
    git_repo.write("line\nbreak.txt", "a\n")

    _, summary = run_git_check(git_repo.path)

    assert summary["modified_files"] == ["line\nbreak.txt"]


def test_empty_repository_with_no_commits(git_repo, run_git_check):
    git_repo.write("first.py", "print(1)\n")
    git_repo.git("add", "first.py")
    git_repo.write("loose.txt", "x\n")

    result, summary = run_git_check(git_repo.path)

    assert result.status == "warning"
    assert summary["repository"] == {
        "branch": "main",
        "head": None,
        "detached": False,
        "unborn": True,
    }
    changes = run_git_check.by_file(summary)
    assert changes[("first.py", True)]["status"] == "added"
    assert changes[("first.py", True)]["additions"] == 1
    assert changes[("loose.txt", False)]["status"] == "untracked"


def test_empty_repository_without_changes_is_success(git_repo, run_git_check):
    result, summary = run_git_check(git_repo.path)

    assert result.status == "success" and result.message == "✅ No changes detected"
    assert summary["changes"] == [] and summary["repository"]["unborn"] is True


def test_detached_head(git_repo, run_git_check):
    git_repo.write("a.txt", "1\n")
    sha = git_repo.commit("one")
    git_repo.git("checkout", "-q", "--detach", sha)
    git_repo.write("a.txt", "2\n")

    _, summary = run_git_check(git_repo.path)

    assert summary["repository"] == {"branch": None, "head": sha, "detached": True, "unborn": False}
    assert summary["modified_files"] == ["a.txt"]


@pytest.mark.parametrize("name", ["c.txt", 'con "flict"\tñ.txt'])
def test_merge_conflict_is_reported_as_conflicted(git_repo, run_git_check, name):
    git_repo.write(name, "base\n")
    git_repo.commit("base")
    git_repo.git("checkout", "-q", "-b", "other")
    git_repo.write(name, "theirs\n")
    git_repo.commit("theirs")
    git_repo.git("checkout", "-q", "main")
    git_repo.write(name, "ours\n")
    git_repo.write("ok.txt", "fine\n")
    git_repo.commit("ours")
    with pytest.raises(subprocess.CalledProcessError):
        git_repo.git("merge", "-q", "other")
    git_repo.write("ok.txt", "fine, edited\n")

    _, summary = run_git_check(git_repo.path)

    changes = run_git_check.by_file(summary)
    conflict = changes[(name, False)]
    assert conflict["status"] == "conflicted"
    assert conflict["diff"].startswith("diff --cc ") and "<<<<<<<" in conflict["diff"]
    assert changes[("ok.txt", False)]["status"] == "modified"
    assert summary["repository_status"]["conflicted"] == 1


def test_large_diff_is_truncated_at_a_line_and_marked(git_repo, run_git_check):
    git_repo.write("big.txt", "")
    git_repo.commit("base")
    git_repo.write("big.txt", "".join(f"line number {i}\n" for i in range(2000)))
    git_repo.write("big_new.txt", "".join(f"new line {i}\n" for i in range(2000)))
    git_repo.write("small.txt", "s\n")

    _, summary = run_git_check(git_repo.path, settings={"max_diff_bytes": 1000})

    changes = run_git_check.by_file(summary)
    for path in ("big.txt", "big_new.txt"):
        change = changes[(path, False)]
        assert change["diff_truncated"] is True
        assert len(change["diff"].encode()) <= 1000 and change["diff"].endswith("\n")
        assert change["diff_bytes"] > 20000
        assert change["additions"] == 2000
    assert changes[("small.txt", False)]["diff_truncated"] is False


def test_exclude_globs_leave_files_out_of_the_summary(git_repo, run_git_check):
    git_repo.write("src/app.py", "a\n")
    git_repo.write("vendor/lib.js", "b\n")
    git_repo.write("notes.secret", "c\n")

    _, summary = run_git_check(git_repo.path, settings={"exclude": ["vendor/*", "*.secret"]})

    assert summary["modified_files"] == ["src/app.py"]
    assert summary["excluded_files"] == ["notes.secret", "vendor/lib.js"]


def test_project_root_in_a_subfolder_reports_paths_relative_to_it(git_repo, run_git_check):
    git_repo.write("pkg/mod.py", "a\n")
    git_repo.write("outside.txt", "o\n")
    git_repo.commit("base")
    git_repo.write("pkg/mod.py", "b\n")
    git_repo.write("pkg/new file.py", "n\n")
    git_repo.write("outside.txt", "changed\n")

    result, summary = run_git_check(git_repo.path / "pkg")

    assert summary["modified_files"] == ["mod.py", "new file.py"]
    assert result.details["summary_path"] == "git_changes.json"
    assert (git_repo.path / "pkg" / "git_changes.json").exists()


def test_type_change_and_symlink(git_repo, run_git_check):
    git_repo.write("target.txt", "t\n")
    git_repo.write("link", "was a file\n")
    git_repo.commit("base")
    (git_repo.path / "link").unlink()
    os.symlink("target.txt", git_repo.path / "link")
    os.symlink("target.txt", git_repo.path / "new_link")

    _, summary = run_git_check(git_repo.path)

    changes = run_git_check.by_file(summary)
    assert changes[("link", False)]["status"] == "type_changed"
    new_link = changes[("new_link", False)]
    assert new_link["status"] == "untracked" and "+target.txt\n" in new_link["diff"]


def test_output_is_in_a_deterministic_order(git_repo, run_git_check):
    for name in ("b.txt", "a.txt", "c/z.txt", "c/a.txt"):
        git_repo.write(name, "x\n")
    git_repo.commit("base")
    for name in ("b.txt", "a.txt", "c/z.txt", "c/a.txt"):
        git_repo.write(name, "y\n")
    git_repo.git("add", "a.txt")
    git_repo.write("a.txt", "z\n")

    _, first = run_git_check(git_repo.path)
    _, second = run_git_check(git_repo.path)

    keys = [(c["file"], c["staged"]) for c in first["changes"]]
    assert keys == [
        ("a.txt", True),
        ("a.txt", False),
        ("b.txt", False),
        ("c/a.txt", False),
        ("c/z.txt", False),
    ]
    assert first["changes"] == second["changes"]


def test_copy_of_a_modified_file_has_old_file(git_repo, run_git_check):
    git_repo.write("src.txt", "".join(f"{i}\n" for i in range(50)))
    git_repo.commit("base")
    git_repo.write("copy.txt", "".join(f"{i}\n" for i in range(50)))
    git_repo.write("src.txt", "".join(f"{i}\n" for i in range(51)))
    git_repo.git("add", "-A")

    _, summary = run_git_check(git_repo.path)

    changes = run_git_check.by_file(summary)
    assert changes[("copy.txt", True)]["status"] == "copied"
    assert changes[("copy.txt", True)]["old_file"] == "src.txt"
    assert changes[("src.txt", True)]["status"] == "modified"
    assert summary["repository_status"]["copied"] == 1


def test_staged_type_change_and_intent_to_add(git_repo, run_git_check):
    git_repo.write("link", "a file\n")
    git_repo.commit("base")
    (git_repo.path / "link").unlink()
    os.symlink("elsewhere", git_repo.path / "link")
    git_repo.git("add", "link")
    git_repo.write("planned.txt", "to add\n")
    git_repo.git("add", "-N", "planned.txt")

    _, summary = run_git_check(git_repo.path)

    changes = run_git_check.by_file(summary)
    assert changes[("link", True)]["status"] == "type_changed"
    assert changes[("planned.txt", False)]["status"] == "added"
    assert changes[("planned.txt", False)]["additions"] == 1


def test_find_renames_off_reports_delete_and_add(git_repo, run_git_check):
    git_repo.write("a.txt", "".join(f"{i}\n" for i in range(30)))
    git_repo.commit("base")
    git_repo.git("mv", "a.txt", "b.txt")

    _, summary = run_git_check(git_repo.path, settings={"find_renames": False})

    assert {(c["file"], c["status"]) for c in summary["changes"]} == {
        ("a.txt", "deleted"),
        ("b.txt", "added"),
    }


def test_untracked_can_be_left_out(git_repo, run_git_check):
    git_repo.write("u.txt", "u\n")

    result, _ = run_git_check(git_repo.path, settings={"include_untracked": False})

    assert result.status == "success"
