"""Read what ``doc_check`` needs from git in a fixed number of git calls.

``read_git_snapshot`` runs, whatever the size of the project:

1. ``git rev-parse --show-toplevel --show-prefix`` (is this a work tree?),
2. ``git ls-files --cached`` (tracked files),
3. ``git status --porcelain`` (uncommitted changes, untracked files, both
   through git's own ignore rules),
4. one ``git log --name-status`` over the folders of interest,

plus ``git rev-parse --verify HEAD`` only when the log fails (a repository with
no commits yet) and ``git check-ignore`` only when a project in a subfolder of
a repository shows no files at all (a folder the enclosing repository
ignores counts as "not a git repository"). Every command uses ``-z`` so any file name (non-ASCII,
spaces, newlines) comes back intact. Paths are returned relative to the
project root with ``/``; files outside the project root are dropped.

Commands go through a ``GitRunner`` so a check can route them through
``CheckContext.run_process`` (killed on timeout) while library code and
benchmarks use plain ``subprocess``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autocode_docs.git_log import GitLog, parse_git_log

__all__ = [
    "GitError",
    "GitRunner",
    "GitSnapshot",
    "NotAGitRepository",
    "git_environment",
    "read_git_snapshot",
    "subprocess_git_runner",
]

#: ``runner(args)`` runs ``git <args>`` in the project root and returns the
#: completed process with ``bytes`` stdout/stderr.
GitRunner = Callable[[Sequence[str]], "subprocess.CompletedProcess[bytes]"]

#: environment variables that would point git at another repository or index
_REDIRECTING = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)

#: ``-c`` options that keep user configuration from changing the output format
_CONFIG = (
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.relative=false",
    "-c",
    "log.showSignature=false",
)


class NotAGitRepository(Exception):
    """The project root is not inside a git work tree (or git is not installed)."""


class GitError(Exception):
    """A git command failed in a way that is not "not a repository"."""


def git_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for git: no optional locks, C locale, no redirection."""
    env = dict(os.environ if base is None else base)
    for name in _REDIRECTING:
        env.pop(name, None)
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["LC_ALL"] = "C"
    return env


def subprocess_git_runner(project_root: Path, timeout: float | None = None) -> GitRunner:
    """A ``GitRunner`` on ``subprocess.run`` (for library use and benchmarks)."""
    env = git_environment()

    def run(args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["git", *_CONFIG, *args],
            cwd=project_root,
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )

    return run


def git_args(args: Sequence[str]) -> list[str]:
    """The full ``git`` command line for ``args`` (with the output-stabilizing ``-c`` options)."""
    return ["git", *_CONFIG, *args]


@dataclass
class GitSnapshot:
    """The state of the work tree and its history, relative to the project root.

    * ``tracked``: files in the index that still exist in the work tree;
    * ``deleted``: tracked files missing from the work tree (uncommitted deletions);
    * ``untracked``: files git neither tracks nor ignores;
    * ``dirty``: tracked files with staged or unstaged changes (new paths of
      staged renames included);
    * ``log``: history of the folders of interest (see ``GitLog``).
    """

    tracked: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    untracked: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)
    log: GitLog = field(default_factory=GitLog)
    calls: int = 0

    @property
    def files(self) -> set[str]:
        """Every file git does not ignore that exists in the work tree."""
        return self.tracked | self.untracked

    def is_changed(self, path: str) -> bool:
        """True if ``path`` has uncommitted changes or is untracked."""
        return path in self.dirty or path in self.untracked


def _split_z(data: bytes) -> list[str]:
    return [os.fsdecode(p) for p in data.split(b"\0") if p]


class _Session:
    def __init__(self, run: GitRunner) -> None:
        self.run = run
        self.calls = 0

    def __call__(
        self, args: Sequence[str], *, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        self.calls += 1
        done = self.run(list(args))
        if check and done.returncode != 0:
            raise GitError(f"git {' '.join(args[:2])} failed: {_stderr(done)}")
        return done


def _stderr(done: subprocess.CompletedProcess[bytes]) -> str:
    err = done.stderr or b""
    text = err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)
    return text.strip() or f"exit status {done.returncode}"


def _parse_status(data: bytes, strip: Callable[[str], str | None], snap: GitSnapshot) -> None:
    tokens = data.split(b"\0")
    i = 0
    while i < len(tokens):
        entry = tokens[i]
        i += 1
        if len(entry) < 4:
            continue
        x, y, path = chr(entry[0]), chr(entry[1]), strip(os.fsdecode(entry[3:]))
        if x in "RC":
            i += 1  # the original path follows the new one
        if path is None:
            continue
        if x == "?":
            snap.untracked.add(path)
        elif x == "!":
            continue
        elif y == "D" or x == "D":
            snap.deleted.add(path)
        else:
            snap.dirty.add(path)


def read_git_snapshot(
    run: GitRunner, pathspecs: Callable[[set[str]], Sequence[str]] | None = None
) -> GitSnapshot:
    """Read tracked/untracked/changed files and history in a bounded number of git calls.

    :param run: runs one git command in the project root.
    :param pathspecs: given the existing files, the project-relative folders
        whose history is needed (``None`` or empty: the whole project).
    :raises NotAGitRepository: the project root is not in a git work tree, is
        ignored by it, or git cannot be started.
    :raises GitError: a git command failed for another reason.
    """
    git = _Session(run)
    try:
        where = git(["rev-parse", "--show-toplevel", "--show-prefix"], check=False)
    except OSError as exc:
        raise NotAGitRepository(f"git is not available: {exc}") from exc
    if where.returncode != 0:
        raise NotAGitRepository(_stderr(where))
    lines = os.fsdecode(where.stdout).split("\n")
    prefix = lines[1] if len(lines) > 1 else ""

    def strip(path: str) -> str | None:
        if not prefix:
            return path
        return path[len(prefix) :] if path.startswith(prefix) else None

    snap = GitSnapshot()
    listed = git(["ls-files", "-z", "--cached", "--full-name"])
    tracked = {p for p in (strip(x) for x in _split_z(listed.stdout)) if p is not None}
    status = git(
        [
            "status",
            "-z",
            "--porcelain=v1",
            "--untracked-files=all",
            "--ignore-submodules=all",
            "--",
            ".",
        ]
    )
    _parse_status(status.stdout, strip, snap)
    snap.tracked = tracked - snap.deleted
    snap.dirty &= snap.tracked
    if (
        prefix
        and not snap.files
        and git(["check-ignore", "-q", "--", "."], check=False).returncode == 0
    ):
        raise NotAGitRepository("the project folder is ignored by the enclosing git repository")
    specs = [f":(literal){p}" for p in (pathspecs(snap.files) if pathspecs else ()) if p] or ["."]
    log = git(
        [
            "log",
            "-z",
            "--date-order",
            "--name-status",
            "-M",
            "--no-color",
            "--no-ext-diff",
            "--format=%x1e%H %ct",
            "HEAD",
            "--",
            *specs,
        ],
        check=False,
    )
    if log.returncode != 0:
        head = git(["rev-parse", "-q", "--verify", "HEAD"], check=False)
        if head.returncode == 0:
            raise GitError(f"git log failed: {_stderr(log)}")
        snap.log = GitLog()  # no commits yet
    else:
        snap.log = parse_git_log(log.stdout, strip)
    snap.calls = git.calls
    return snap
