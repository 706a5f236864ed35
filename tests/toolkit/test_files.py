"""The project's files: git's view, the walk, and the one skip rule they share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autocode_core import AutocodeConfig
from autocode_core.testing import GitRepo, make_context, make_git_repo
from autocode_core.toolkit import (
    SKIPPED_FOLDER_NAMES,
    GitError,
    GitRunner,
    is_skipped_folder,
    list_project_files,
    project_files,
)

#: folders the rule skips, in both views, with a Python file in each
NOISE = {
    ".venv/lib/python3.11/site-packages/dep.py": "",
    "node_modules/pkg/gen.py": "",
    "build/lib/pkg/a.py": "",
    "dist/x.py": "",
    "pkg.egg-info/y.py": "",
    "pkg/__pycache__/z.py": "",
    "myenv/pyvenv.cfg": "home = /usr/bin\n",
    "myenv/lib/tool.py": "",
    ".autocode/checks/c/cache.py": "",
    ".mypy_cache/m.py": "",
}


def write(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def listing(root: Path, **kwargs):
    return list_project_files(root, GitRunner.from_context(make_context("c", root)), **kwargs)


def test_git_listing_uses_gits_ignore_rules(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    write(
        repo.path,
        {
            ".gitignore": "generated/\n*_pb2.py\n",
            "pkg/__init__.py": "",
            "pkg/a.py": "",
            "pkg/gone.py": "",
            "pkg/msg_pb2.py": "",
            "generated/out.py": "",
            "README.md": "",
        },
    )
    (repo.path / ".git" / "info" / "exclude").write_text("local_only.py\n")
    repo.commit("initial")
    (repo.path / "pkg" / "gone.py").unlink()  # still in the index, gone from the tree
    write(repo.path, {"pkg/new.py": "", "local_only.py": "", **NOISE})

    found = listing(repo.path, suffixes=[".py"])

    assert found.source == "git" and found.git_problem is None
    assert found.files == ["pkg/__init__.py", "pkg/a.py", "pkg/new.py"]
    assert found.tracked == {"pkg/__init__.py", "pkg/a.py"}
    assert found.untracked == {"pkg/new.py"}
    assert found.deleted == {"pkg/gone.py"}


def test_tracked_untracked_deleted_and_ignored_without_a_suffix_filter(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "generated/\n*.log\n")
    git_repo.write("pkg/clean.py", "a = 1\n")
    git_repo.write("pkg/edited.py", "a = 1\n")
    git_repo.write("pkg/gone.py", "a = 1\n")
    git_repo.commit("base")
    git_repo.write("pkg/edited.py", "a = 2\n")
    (git_repo.path / "pkg/gone.py").unlink()
    git_repo.write("pkg/new.py", "n = 1\n")
    git_repo.write("generated/out.py", "x = 1\n")
    git_repo.write("pkg/debug.log", "x\n")
    make_git_repo(git_repo.path / "nested")  # an untracked repository inside: not a file

    found = listing(git_repo.path)

    assert found.tracked == {".gitignore", "pkg/clean.py", "pkg/edited.py"}
    assert found.deleted == {"pkg/gone.py"}
    assert found.untracked == {"pkg/new.py"}
    assert found.files == sorted(found.tracked | found.untracked)
    assert found.modified == set()  # not asked for


def test_modified_files_on_request_in_the_same_pass(git_repo: GitRepo) -> None:
    git_repo.write("edited.py", "a = 1\n")
    git_repo.write("touched.py", "t = 1\n")
    git_repo.write("staged.py", "s = 1\n")
    git_repo.write("gone.py", "g = 1\n")
    git_repo.commit("base")
    git_repo.write("edited.py", "a = 2\n")
    os.utime(git_repo.path / "touched.py", (1, 1))  # new timestamps, same content
    git_repo.write("staged.py", "s = 2\n")
    git_repo.git("add", "staged.py")
    (git_repo.path / "gone.py").unlink()
    git = GitRunner(git_repo.path)

    found = list_project_files(git_repo.path, git, modified=True)

    assert found.modified == {"edited.py"}  # unstaged content changes only
    assert found.deleted == {"gone.py"} and git.calls == 3  # the index, the work tree's two passes


def test_on_tracked_gets_the_index_before_the_work_tree_is_known(git_repo: GitRepo) -> None:
    git_repo.write("kept.py", "k = 1\n")
    git_repo.write("gone.py", "g = 1\n")
    git_repo.write("build/out.py", "o = 1\n")
    git_repo.commit("base")
    (git_repo.path / "gone.py").unlink()
    git_repo.write("new.py", "n = 1\n")
    seen: list[frozenset[str]] = []

    found = list_project_files(git_repo.path, GitRunner(git_repo.path), on_tracked=seen.append)

    # the index as it is: the deleted file and the skipped folder's file are in it,
    # the untracked one is not; the final listing applies the rules
    assert seen == [frozenset({"kept.py", "gone.py", "build/out.py"})]
    assert found.files == ["kept.py", "new.py"]


def test_on_tracked_errors_propagate_and_the_walk_never_calls_it(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.write("a.py", "a = 1\n")
    git_repo.commit("base")

    def fail(files: frozenset[str]) -> None:
        raise GitError("the caller's own git call failed")

    with pytest.raises(GitError, match="the caller's own"):  # not a fallback to the walk
        list_project_files(git_repo.path, GitRunner(git_repo.path), on_tracked=fail)
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "b.py").write_text("b = 1\n")
    seen: list[frozenset[str]] = []
    walked = list_project_files(
        tmp_path / "plain", GitRunner(tmp_path / "plain"), on_tracked=seen.append
    )
    assert walked.source == "walk" and walked.files == ["b.py"] and seen == []


def test_conflicts_sparse_checkouts_and_odd_names(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "base\n")
    git_repo.write("sparse.py", "s\n")
    git_repo.write("ñ/ü b.py", "u\n")
    git_repo.write("new\nline.py", "n\n")
    git_repo.commit("base")
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.write("a.py", "side\n")
    git_repo.commit("side")
    git_repo.git("checkout", "-q", "main")
    git_repo.write("a.py", "main\n")
    git_repo.commit("main")
    with pytest.raises(Exception):
        git_repo.git("merge", "-q", "side")
    git_repo.git("update-index", "--skip-worktree", "sparse.py")
    (git_repo.path / "sparse.py").unlink()  # as a sparse checkout leaves it

    found = listing(git_repo.path)

    assert found.files == ["a.py", "new\nline.py", "ñ/ü b.py"]
    assert found.deleted == set()


def test_a_project_inside_a_bigger_repository_lists_only_its_own_files(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "mono")
    write(repo.path, {"other/x.py": "", "project/pkg/a.py": "", "project/.autocode/s.py": ""})

    found = listing(repo.path / "project")

    assert found.files == ["pkg/a.py"]


def test_without_git_the_folder_is_walked_with_the_same_skips(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/a.py": "", "pkg/sub/b.py": "", "top.py": "", "notes.txt": "", **NOISE})

    found = listing(tmp_path, suffixes=[".py"])

    assert found.source == "walk"
    assert found.git_problem is None
    assert found.files == ["pkg/a.py", "pkg/sub/b.py", "top.py"]
    assert found.tracked == found.untracked == found.deleted == set()


def test_git_view_and_walk_agree_on_the_same_tree(tmp_path: Path) -> None:
    tree = {"pkg/a.py": "", "docs/x.md": "", ".github/ci.yml": "", "ñ/ü.py": "", **NOISE}
    repo = make_git_repo(tmp_path / "repo")
    write(repo.path, tree)
    plain = tmp_path / "plain"
    write(plain, tree)

    in_git, walked = listing(repo.path), listing(plain)

    assert (in_git.source, walked.source) == ("git", "walk")
    assert in_git.files == walked.files == [".github/ci.yml", "docs/x.md", "pkg/a.py", "ñ/ü.py"]


def test_without_a_git_binary_the_folder_is_walked(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    write(repo.path, {"pkg/a.py": ""})
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()

    found = list_project_files(repo.path, GitRunner(repo.path, environ={"PATH": str(empty_bin)}))

    assert found.source == "walk"
    assert found.git_problem is not None and "git could not run" in found.git_problem
    assert found.files == ["pkg/a.py"]


def test_no_runner_always_walks(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "ignored.py\n")
    git_repo.write("ignored.py", "")

    found = list_project_files(git_repo.path)

    assert found.source == "walk" and found.files == [".gitignore", "ignored.py"]


def test_kept_folders_are_entered_and_the_rule_applies_again_inside(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "build/tool.py": "",
            "build/__pycache__/tool.py": "",
            "src/dist/keep/x.py": "",
            "src/dist/other/y.py": "",
            "dist/z.py": "",
        },
    )
    repo = make_git_repo(tmp_path / "repo")
    write(repo.path, {"build/tool.py": "", "build/__pycache__/tool.py": "", "dist/z.py": ""})

    walked = listing(tmp_path, keep=["build", "src/dist/keep"])
    in_git = listing(repo.path, keep=["build/"])

    assert walked.files == ["build/tool.py", "src/dist/keep/x.py"]
    assert in_git.files == ["build/tool.py"]


def test_the_state_folder_is_skipped_wherever_it_is(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    write(repo.path, {"var/state/history.db": "", "var/other.txt": "", "a.txt": ""})
    repo.commit("state committed by mistake")
    plain = tmp_path / "plain"
    write(plain, {"var/state/history.db": "", "var/other.txt": "", "a.txt": ""})

    assert listing(repo.path, state_dir="var/state").files == ["a.txt", "var/other.txt"]
    assert listing(plain, state_dir=plain / "var/state").files == ["a.txt", "var/other.txt"]
    assert listing(plain, state_dir=None).files == [
        "a.txt",
        "var/other.txt",
        "var/state/history.db",
    ]


def test_symlinked_folders_are_not_followed_by_the_walk(tmp_path: Path) -> None:
    write(tmp_path / "outside", {"secret.py": ""})
    write(tmp_path / "project", {"a.py": ""})
    os.symlink(tmp_path / "outside", tmp_path / "project" / "link")

    assert list_project_files(tmp_path / "project").files == ["a.py"]


def test_skip_rule_names() -> None:
    assert {".git", ".venv", "node_modules", "__pycache__", "build", "dist"} <= SKIPPED_FOLDER_NAMES
    assert is_skipped_folder("pkg.egg-info") and is_skipped_folder(".tox")
    assert not is_skipped_folder(".github") and not is_skipped_folder("src")


def test_project_files_for_a_check_uses_its_state_folder_and_shares_a_runner(
    git_repo: GitRepo,
) -> None:
    git_repo.write("a.py", "")
    git_repo.write("state/x.py", "")
    config = AutocodeConfig.model_validate({"daemon": {"state_dir": "state"}})
    context = make_context("c", git_repo.path, config=config)
    git = GitRunner.from_context(context)

    found = project_files(context, git=git, suffixes=[".py"])

    assert found.files == ["a.py"] and found.source == "git"
    assert git.calls == 3  # the index and the work tree's two passes, at once


def test_hook_variables_do_not_redirect_the_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_git_repo(tmp_path / "other")
    other.write("other.py", "")
    other.commit("other")
    (other.path / ".git" / "info" / "exclude").write_text("*\n")  # leakage would hide ours
    project = make_git_repo(tmp_path / "project")
    project.write("mine.py", "")
    project.commit("mine")
    monkeypatch.setenv("GIT_DIR", os.fspath(other.path / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", os.fspath(other.path / ".git" / "index"))

    found = project_files(make_context("c", project.path))

    assert found.source == "git" and found.files == ["mine.py"]
    assert found.tracked == {"mine.py"} and found.deleted == set()
