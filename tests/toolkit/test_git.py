"""The git runner, its environment policy and the work-tree questions, on real repositories."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autocode_core import PluginError
from autocode_core.testing import GitRepo, make_context, make_git_repo
from autocode_core.toolkit import (
    GitError,
    GitNotFoundError,
    GitRunner,
    NotAGitRepositoryError,
    find_work_tree,
    git_command,
    git_environment,
)

#: what git exports to hooks and ``git -c`` children: each would redirect or reshape our commands
HOOK_VARIABLES = {
    "GIT_DIR": "/elsewhere/.git",
    "GIT_WORK_TREE": "/elsewhere",
    "GIT_INDEX_FILE": "/elsewhere/.git/index",
    "GIT_OBJECT_DIRECTORY": "/elsewhere/.git/objects",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES": "/elsewhere/objects",
    "GIT_COMMON_DIR": "/elsewhere/.git",
    "GIT_NAMESPACE": "ns",
    "GIT_PREFIX": "sub/",
    "GIT_CEILING_DIRECTORIES": "/",
    "GIT_CONFIG_PARAMETERS": "'core.quotepath'='on'",
    "GIT_LITERAL_PATHSPECS": "1",
    "GIT_EXTERNAL_DIFF": "false",
    "GIT_AUTHOR_NAME": "hook",
}


def runner(root: Path, **kwargs) -> GitRunner:
    return GitRunner.from_context(make_context("check", root), **kwargs)


def test_environment_drops_every_redirection_and_sets_the_fixed_policy() -> None:
    env = git_environment(
        {
            **HOOK_VARIABLES,
            "PATH": "/bin",
            "HOME": "/home/u",
            "GIT_SSH_COMMAND": "ssh -i key",
            "GIT_EXEC_PATH": "/usr/lib/git-core",
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "safe.directory",
            "GIT_CONFIG_VALUE_0": "*",
            "GIT_CONFIG_GLOBAL": "/home/u/.gitconfig-ci",
            "LC_ALL": "de_DE.UTF-8",
        }
    )

    assert env == {
        "PATH": "/bin",
        "HOME": "/home/u",
        "GIT_SSH_COMMAND": "ssh -i key",
        "GIT_EXEC_PATH": "/usr/lib/git-core",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "safe.directory",
        "GIT_CONFIG_VALUE_0": "*",
        "GIT_CONFIG_GLOBAL": "/home/u/.gitconfig-ci",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "LC_ALL": "C",
        "LANGUAGE": "C",
    }


def test_environment_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_INDEX_FILE", "/x")
    monkeypatch.setenv("AUTOCODE_MARKER", "1")

    env = git_environment()

    assert "GIT_INDEX_FILE" not in env and env["AUTOCODE_MARKER"] == "1"
    assert env["GIT_OPTIONAL_LOCKS"] == "0" and "GIT_INDEX_FILE" in os.environ


def test_command_line_stabilizes_formats_and_extra_config_wins() -> None:
    command = git_command(["status", "-z"], {"status.renames": "copies", "color.ui": "always"})

    assert command[0] == "git" and command[-2:] == ["status", "-z"]
    options = [command[i + 1] for i, part in enumerate(command) if part == "-c"]
    assert "core.quotePath=off" in options and "status.renames=copies" in options
    assert "color.ui=always" in options and "color.ui=never" not in options


def test_runner_goes_through_run_process_and_reports_git_failures(git_repo: GitRepo) -> None:
    run_git = runner(git_repo.path, timeout=30)

    assert run_git(["rev-parse", "--is-inside-work-tree"]) == b"true\n"
    with pytest.raises(PluginError, match=r"git rev-parse failed \(exit 128\)") as info:
        run_git(["rev-parse", "--verify", "no-such-ref"])
    assert run_git.calls == 2

    error = info.value
    assert isinstance(error, GitError)
    assert "command: git rev-parse --verify no-such-ref" in str(error)
    assert error.returncode == 128 and "fatal:" in error.stderr and error.stderr in str(error)
    assert run_git.run(["rev-parse", "--verify", "no-such-ref"], check=False).returncode == 128


def test_non_ascii_paths_come_back_verbatim_whatever_the_users_configuration(
    git_repo: GitRepo,
) -> None:
    git_repo.git("config", "core.quotepath", "on")
    git_repo.write("ñandú.txt", "x\n")
    git_repo.write('say "hi".txt', "x\n")
    run_git = runner(git_repo.path)

    assert run_git(["ls-files", "--others", "--", "ñ*"]).decode("utf-8") == "ñandú.txt\n"
    # quotes and control characters are still C-quoted without -z: parse -z output
    listed = run_git(["ls-files", "-z", "--others", "--", "say*"])
    assert listed == b'say "hi".txt\0'


def test_a_command_over_its_timeout_is_killed_with_its_children(git_repo: GitRepo) -> None:
    pid_file = git_repo.path / "hang.pid"
    hang = f"!sh -c 'echo $$ > {pid_file}; exec sleep 60'"
    run_git = runner(git_repo.path, timeout=1, config={"alias.hang": hang})
    started = time.monotonic()

    with pytest.raises(GitError, match=r"git hang timed out after 1 s"):
        run_git(["hang"])

    assert time.monotonic() - started < 15
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the command's own child survived the timeout"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_git_missing_and_folder_missing(tmp_path: Path, git_repo: GitRepo) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    no_git = GitRunner(git_repo.path, environ={"PATH": os.fspath(empty_bin)})
    with pytest.raises(GitNotFoundError, match="git is not installed"):
        no_git(["status"])

    with pytest.raises(GitError, match="does not exist"):
        GitRunner(tmp_path / "missing")(["status"])


def test_failures_in_a_folder_outside_git_are_not_a_repository_errors(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepositoryError, match="not a git repository"):
        runner(tmp_path)(["ls-files"])


def test_hook_variables_in_our_environment_do_not_redirect_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As inside a hook of another repository: GIT_DIR, GIT_WORK_TREE and
    GIT_INDEX_FILE point at it, and the check must still read its own project."""
    other = make_git_repo(tmp_path / "other")
    other.write("other.txt", "o\n")
    other.commit("other")
    project = make_git_repo(tmp_path / "project")
    project.write("mine.txt", "m\n")
    project.commit("mine")
    monkeypatch.setenv("GIT_DIR", os.fspath(other.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", os.fspath(other.path))
    monkeypatch.setenv("GIT_INDEX_FILE", os.fspath(other.path / ".git" / "index"))
    raw = subprocess.run(
        ["git", "ls-files"], cwd=project.path, capture_output=True, text=True, check=True
    )
    assert raw.stdout == "other.txt\n"  # what an unscrubbed git command sees

    run_git = runner(project.path)

    assert find_work_tree(run_git).toplevel == project.path.resolve()
    assert run_git(["ls-files"]) == b"mine.txt\n"


HOOK_SCRIPT = """\
import json, os, subprocess, sys
from autocode_core.toolkit import GitRunner, find_work_tree, list_project_files

project = {project!r}
git = GitRunner(project)
raw = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True)
report = {{
    "hook_env": sorted(k for k in os.environ if k in ("GIT_DIR", "GIT_INDEX_FILE")),
    "raw": raw.stdout.splitlines(),
    "toplevel": str(find_work_tree(git).toplevel),
    "files": list_project_files(project, git).files,
    "tracked": sorted(list_project_files(project, git).tracked),
}}
with open({out!r}, "w") as handle:
    json.dump(report, handle)
"""


def test_inside_a_real_pre_commit_hook_of_another_repository(tmp_path: Path) -> None:
    """A linked worktree's pre-commit hook gets GIT_DIR and GIT_INDEX_FILE from
    git itself; a check run from it on another project reads that project."""
    project = make_git_repo(tmp_path / "project")
    project.write("mine.txt", "m\n")
    project.commit("mine")
    other = make_git_repo(tmp_path / "other")
    other.write("other.txt", "o\n")
    other.commit("other")
    other.git("worktree", "add", "-q", "-b", "side", str(tmp_path / "side"))
    (other.path / ".git" / "info" / "exclude").write_text("mine.txt\n")  # leakage hides ours
    out = tmp_path / "report.json"
    script = tmp_path / "hook.py"
    script.write_text(HOOK_SCRIPT.format(project=os.fspath(project.path), out=os.fspath(out)))
    hook = other.path / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f"#!/bin/sh\nexec {sys.executable} {script}\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    side = GitRepo(tmp_path / "side")
    side.write("side.txt", "s\n")

    side.git("add", "side.txt")
    side.git("commit", "-q", "-m", "from the side worktree")  # runs the hook

    report = json.loads(out.read_text())
    assert report["hook_env"] == ["GIT_DIR", "GIT_INDEX_FILE"], textwrap.shorten(str(report), 200)
    assert "mine.txt" not in report["raw"]  # git alone would have read the other repository
    assert report["toplevel"] == os.fspath(project.path.resolve())
    assert report["files"] == report["tracked"] == ["mine.txt"]


def test_input_reaches_git_on_stdin(git_repo: GitRepo) -> None:
    done = GitRunner(git_repo.path).run(["hash-object", "--stdin"], input=b"hello\n")
    assert done.stdout.strip() == b"ce013625030ba8dba906f756967f9e9ca394464a"  # git's sha of it


def test_spooled_output_is_the_same_bytes_and_errors_still_raise(git_repo: GitRepo) -> None:
    for i in range(300):
        git_repo.write(f"pkg/m{i}.py", f"x = {i}\n")
        if i % 100 == 0:
            git_repo.commit(f"c{i}")
    git_repo.commit("rest")
    git = GitRunner(git_repo.path)
    args = ["log", "-z", "--name-status", "--format=%H"]
    piped = git.run(args)
    spooled = git.run(args, spool=True)
    assert spooled.stdout == piped.stdout and len(spooled.stdout) > 4_000
    assert spooled.returncode == 0 and git.calls == 2
    failed = git.run(["log", "no-such-ref"], check=False, spool=True)
    assert failed.returncode != 0 and failed.stdout == b"" and b"no-such-ref" in failed.stderr
    with pytest.raises(GitError, match="no-such-ref"):
        git.run(["log", "no-such-ref"], spool=True)
