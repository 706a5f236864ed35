"""Where a project sits in git: the questions every git-reading check asks.

``find_work_tree`` answers in one ``git rev-parse``: the work tree's
toplevel, the project root's place in it, and whether the clone is shallow
(its history stops at grafted commits, so "how many commits ago" has a
horizon). ``is_work_tree`` and ``head_commit`` answer the yes/no questions.
All run through a ``GitRunner`` (``autocode_core.toolkit.git``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autocode_core.toolkit.git import GitError, GitRunner, NotAGitRepositoryError

__all__ = ["WorkTree", "find_work_tree", "head_commit", "is_work_tree"]


@dataclass(frozen=True)
class WorkTree:
    """The git work tree holding a project, and where the project sits in it.

    ``toplevel`` is the work tree's root as git prints it (symbolic links
    resolved); ``prefix`` the project root relative to it with a trailing
    ``/`` (``""`` when they are the same folder); ``shallow`` is true in a
    shallow clone, whose history stops at its grafted commits.
    """

    toplevel: Path
    prefix: str
    shallow: bool = False

    def to_project(self, top_path: str) -> str:
        """A toplevel-relative path (as git prints it) made relative to the project root.

        Paths outside the project are returned unchanged.
        """
        if self.prefix and top_path.startswith(self.prefix):
            return top_path[len(self.prefix) :]
        return top_path

    def to_top(self, project_path: str) -> str:
        """A project-relative path made relative to the toplevel."""
        return self.prefix + project_path

    def contains(self, top_path: str) -> bool:
        """True if the toplevel-relative ``top_path`` lies under the project root."""
        return not self.prefix or top_path.startswith(self.prefix)


def find_work_tree(git: GitRunner) -> WorkTree:
    """The work tree holding ``git.cwd``, in one ``git rev-parse``.

    :raises NotAGitRepositoryError: the folder does not exist, is not in a
        git repository, is a bare repository or is inside a ``.git`` folder.
    :raises GitNotFoundError: git is not installed.
    """
    if not git.cwd.is_dir():
        raise NotAGitRepositoryError(
            f"project root {str(git.cwd)!r} does not exist or is not a folder"
        )
    args = ["rev-parse", "--is-bare-repository", "--is-shallow-repository"]
    done = git.run([*args, "--show-toplevel", "--show-prefix"], check=False)
    out = os.fsdecode(done.stdout)
    if done.returncode != 0:
        stderr = os.fsdecode(done.stderr or b"").strip()
        if out.startswith("true\n"):
            reason = f"{git.cwd} is a bare git repository: there is no working tree to check"
        elif "not a git repository" in stderr:
            reason = f"not a git repository: {git.cwd}"
        else:
            reason = f"not in a git work tree: {git.cwd} ({stderr})"
        raise NotAGitRepositoryError(
            reason, command=["git", *args], returncode=done.returncode, stderr=stderr
        )
    head, _, prefix = out.removesuffix("\n").rpartition("\n")
    _bare, shallow, toplevel = head.split("\n", 2)
    return WorkTree(Path(toplevel), prefix, shallow == "true")


def is_work_tree(git: GitRunner) -> bool:
    """True if ``git.cwd`` is inside a git work tree (not a bare repository)."""
    if not git.cwd.is_dir():
        return False
    done = git.run(["rev-parse", "--is-inside-work-tree"], check=False)
    return done.returncode == 0 and done.stdout.strip() == b"true"


def head_commit(git: GitRunner) -> str | None:
    """The full sha of ``HEAD``, or ``None`` in a repository with no commits yet.

    :raises NotAGitRepositoryError: not in a git repository.
    """
    done = git.run(["rev-parse", "-q", "--verify", "HEAD^{commit}"], check=False)
    if done.returncode == 0:
        return os.fsdecode(done.stdout).strip()
    if "not a git repository" in os.fsdecode(done.stderr or b""):
        raise GitError.from_completed(["rev-parse", "--verify", "HEAD"], done)
    return None
