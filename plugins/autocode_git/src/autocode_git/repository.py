"""Finding the git repository of a project and running git in it.

``open_repository`` uses GitPython to find the work tree that holds the
project root (the root may be a sub-folder of it). ``GitRunner`` runs git
commands through the check's ``run_process`` (so the core can kill them),
with an environment that cannot redirect git to another repository and
that never takes optional locks (``GIT_OPTIONAL_LOCKS=0``: a background check
must not fight the user's own git commands over ``index.lock``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autocode_core import PluginError

__all__ = ["GitRunner", "Repository", "open_repository"]

#: variables that would point git at another repository, index or object store
_REDIRECTING_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CEILING_DIRECTORIES",
)

#: configuration that would change the output formats parsed here
_GIT_CONFIG = (
    "core.quotepath=off",
    "color.ui=never",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.external=",
    "status.relativePaths=false",
    "status.renames=copies",  # with --find-renames: copies too, as diff --find-copies
)


@dataclass(frozen=True)
class Repository:
    """A work tree and where the project root sits in it.

    ``prefix`` is the project root relative to ``toplevel`` with a trailing
    ``/`` (``""`` when they are the same folder).
    """

    toplevel: Path
    prefix: str

    def to_project(self, top_path: str) -> str:
        """A toplevel-relative path made relative to the project root."""
        return (
            top_path[len(self.prefix) :]
            if self.prefix and top_path.startswith(self.prefix)
            else top_path
        )

    def to_top(self, project_path: str) -> str:
        """A project-relative path made relative to the toplevel."""
        return self.prefix + project_path


def open_repository(project_root: Path) -> Repository:
    """The work tree containing ``project_root``.

    :raises PluginError: the path does not exist, is not inside a git work
        tree, or belongs to a bare repository.
    """
    import git  # GitPython, imported on first use only

    root = Path(project_root)
    if not root.is_dir():
        raise PluginError(f"project root {str(root)!r} does not exist or is not a folder")
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PluginError(f"not a git repository: {root}") from None
    try:
        if repo.bare or repo.working_tree_dir is None:
            raise PluginError(f"{root} is a bare git repository: there is no working tree to check")
        toplevel = Path(repo.working_tree_dir).resolve()
    finally:
        repo.close()
    relative = root.resolve().relative_to(toplevel).as_posix()
    return Repository(toplevel, "" if relative == "." else relative + "/")


def git_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment git runs with: ``base`` (default ``os.environ``) minus
    repository-redirecting variables, plus ``GIT_OPTIONAL_LOCKS=0``."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if k not in _REDIRECTING_VARS
    }
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


class GitRunner:
    """Runs ``git`` in a repository's toplevel and returns stdout as bytes.

    :param run_process: ``CheckContext.run_process`` or anything with its signature.
    """

    def __init__(
        self,
        repository: Repository,
        run_process: Callable[..., subprocess.CompletedProcess[Any]],
        *,
        timeout: float | None = None,
    ) -> None:
        self.repository = repository
        self._run_process = run_process
        self._timeout = timeout
        self._env = git_environment()
        self.calls = 0

    def __call__(self, args: Sequence[str]) -> bytes:
        """Run ``git <args>``.

        :raises PluginError: git is missing, timed out or failed (its stderr is quoted).
        """
        command = ["git"]
        for item in _GIT_CONFIG:
            command += ["-c", item]
        command += list(args)
        self.calls += 1
        try:
            done = self._run_process(
                command,
                cwd=self.repository.toplevel,
                env=self._env,
                timeout=self._timeout,
                text=False,
            )
        except FileNotFoundError:
            raise PluginError("git is not installed or not on PATH") from None
        except subprocess.TimeoutExpired:
            raise PluginError(f"git {args[0]} timed out after {self._timeout:g} s") from None
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip()
            raise PluginError(f"git {args[0]} failed (exit {done.returncode}): {stderr}")
        return done.stdout
