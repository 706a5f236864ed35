"""The project's files: git's view inside a git work tree, a walk elsewhere, one skip rule.

**Git's view** (``source == "git"``) is three commands run in the project
root at the same time (the fast index listing, and the caller's own work on
it, overlap git's walk for untracked files and its stat of tracked ones)::

    git ls-files -z -t --cached [-- <patterns>]
    git ls-files -z -t --others --exclude-standard [-- <patterns>]
    git ls-files -z -t --deleted [--modified] [-- <patterns>]

tracked files plus the untracked files git's ignore rules (``.gitignore`` at
any depth, ``.git/info/exclude``, the global excludes file) do not exclude,
so whatever git ignores never counts. Tracked files missing from the work
tree (deleted, not yet committed) are reported as ``deleted`` and are not
project files; files a sparse checkout left out (skip-worktree) are neither.
On request, tracked files whose content differs from the index (unstaged
changes) are reported as ``modified``, in the same pass over the work tree
(it may read the content of files whose timestamps changed). Untracked
nested repositories are not listed. Only files under the project
root are listed, relative to it, even when the repository is larger.

**The walk** (``source == "walk"``) is used outside git (no ``git`` binary,
not a repository): every file under the project root; symbolic links to
folders are not followed.

**The skip rule**, the same for both views: nothing under a folder that is

* named in ``SKIPPED_FOLDER_NAMES`` (version control, virtual environments,
  installed dependencies, caches, build output) or ending in ``.egg-info``;
* a virtual environment (it holds a ``pyvenv.cfg``), whatever its name;
* the state folder (``daemon.state_dir``, ``.autocode`` by default).

A caller may ``keep`` folders the rule would skip (a code folder named
``build``): the folder and those on the way to it are entered, and the rule
applies again inside it. Hidden folders are not skipped by the rule; a check
that wants to leave them out does so itself.

Paths use ``/`` and are sorted; file names that are not valid UTF-8 keep
their bytes as surrogate escapes (``os.fsdecode``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from autocode_core.toolkit.git import (
    GitError,
    GitNotFoundError,
    GitRunner,
    NotAGitRepositoryError,
)

if TYPE_CHECKING:
    from autocode_core.run.context import CheckContext

__all__ = [
    "SKIPPED_FOLDER_NAMES",
    "ProjectFiles",
    "is_skipped_folder",
    "list_project_files",
    "project_files",
]

#: folder names whose contents are never project files (see the module docstring)
SKIPPED_FOLDER_NAMES = frozenset(
    {
        # version control
        ".git",
        ".hg",
        ".svn",
        # virtual environments and installed dependencies
        ".venv",
        "venv",
        "__pypackages__",
        "site-packages",
        "node_modules",
        # caches
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".eggs",
        # build output
        "build",
        "dist",
        "htmlcov",
    }
)

_VENV_MARKER = "pyvenv.cfg"


def is_skipped_folder(name: str) -> bool:
    """True for a folder name the skip rule always skips (``SKIPPED_FOLDER_NAMES``,
    ``*.egg-info``); virtual environments under other names and the state folder
    are recognised by ``list_project_files`` itself."""
    return name in SKIPPED_FOLDER_NAMES or name.endswith(".egg-info")


@dataclass(frozen=True)
class ProjectFiles:
    """The files of a project, relative to its root, ``/``-separated.

    * ``files``: every file that exists and counts, sorted;
    * ``tracked``, ``untracked``: git's view of ``files`` (both empty after a walk);
    * ``deleted``: tracked files missing from the work tree (empty after a walk);
    * ``modified``: tracked files whose content differs from the index, when
      asked for (``modified=True``; otherwise, and after a walk, empty);
    * ``source``: ``"git"`` or ``"walk"``;
    * ``git_problem``: why git could not be used (``None`` when it was, or
      when the project is simply not in a git repository).
    """

    files: list[str]
    source: Literal["git", "walk"]
    tracked: frozenset[str] = field(default_factory=frozenset)
    untracked: frozenset[str] = field(default_factory=frozenset)
    deleted: frozenset[str] = field(default_factory=frozenset)
    modified: frozenset[str] = field(default_factory=frozenset)
    git_problem: str | None = None


class _SkipRule:
    """The skip rule for one project: its state folder, kept folders and virtualenvs.

    Verdicts are kept per folder, so a listing of many files in few folders
    checks each folder once.
    """

    def __init__(self, root: Path, state_dir: str | os.PathLike[str] | None, keep: Iterable[str]):
        self.keep = tuple(k.strip("/") for k in keep if k and k.strip("/") not in ("", "."))
        self.state = _relative(root, state_dir) if state_dir is not None else None
        self.venvs: set[str] = set()  # project-relative folders holding a pyvenv.cfg
        self._verdicts: dict[str, bool] = {}

    def kept(self, folder: str) -> bool:
        """True if ``folder`` is a kept folder or on the way to one (it is entered)."""
        return any(k == folder or k.startswith(folder + "/") for k in self.keep)

    def skips_path(self, path: str) -> bool:
        """True if the file ``path`` is under a skipped folder (and no kept one rescues it)."""
        folder = path.rpartition("/")[0]
        if not folder:
            return False
        verdict = self._verdicts.get(folder)
        if verdict is None:
            verdict = self._verdicts[folder] = self._skips_contents_of(folder)
        return verdict

    def _skips_contents_of(self, folder: str) -> bool:
        if self.state and (folder == self.state or folder.startswith(self.state + "/")):
            return True
        parts = folder.split("/")
        for i, name in enumerate(parts):
            above = "/".join(parts[: i + 1])
            skipped = is_skipped_folder(name) or above in self.venvs
            if skipped and not self._rescued(folder, above):
                return True
        return False

    def _rescued(self, folder: str, skipped: str) -> bool:
        """True if ``folder`` is in a kept folder at or below the ``skipped`` one."""
        return any(
            (folder == k or folder.startswith(k + "/"))
            and (k == skipped or k.startswith(skipped + "/"))
            for k in self.keep
        )


def _relative(root: Path, path: str | os.PathLike[str]) -> str | None:
    """``path`` (relative to ``root`` or absolute) relative to ``root``; ``None`` outside it."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(root)
        except ValueError:
            return None
    text = os.path.normpath(candidate).replace(os.sep, "/")
    return None if text in (".", "") or text.startswith("../") or text == ".." else text


class _CallerError(Exception):
    """Carries an exception of ``on_tracked`` past ``list_project_files``' fallbacks."""


def _git_view(
    git: GitRunner,
    rule: _SkipRule,
    suffixes: Sequence[str] | None,
    modified: bool,
    on_tracked: Callable[[frozenset[str]], None] | None = None,
) -> ProjectFiles:
    patterns = ["--", *(f"*{s}" for s in suffixes), f"*{_VENV_MARKER}"] if suffixes else []
    # the work tree's two passes: a walk for untracked files, a stat of every tracked one
    walk = ["ls-files", "-z", "-t", "--others", "--exclude-standard", *patterns]
    stat = ["ls-files", "-z", "-t", "--deleted", *(["--modified"] if modified else []), *patterns]
    tracked: set[str] = set()
    untracked: set[str] = set()
    deleted: set[str] = set()
    changed: set[str] = set()
    # the index: "H" cached, "M" unmerged ("S", skip-worktree: not checked out, is in no
    # set); the work tree: "R" removed, "C" changed (also given for removed files), "?" other
    by_tag = {"?": untracked, "C": changed, "R": deleted}
    with ThreadPoolExecutor(max_workers=2) as pool:
        # the passes over the work tree run while the index is listed and handed on
        passes = [pool.submit(git, walk), pool.submit(git, stat)]
        index = os.fsdecode(git(["ls-files", "-z", "-t", "--cached", *patterns]))
        for record in index.split("\0"):
            if record[:2] == "H " or record[:2] == "M ":
                tracked.add(record[2:])
        if on_tracked is not None:
            try:
                on_tracked(frozenset(tracked))
            except Exception as exc:  # the caller's own error: no fallback to a walk
                raise _CallerError from exc
        text = "\0".join(os.fsdecode(done.result()) for done in passes)
    for record in text.split("\0"):
        if len(record) < 3 or record[-1] == "/":  # empty, or an untracked nested repository
            continue
        found = by_tag.get(record[0])
        if found is not None:
            found.add(record[2:])
    tracked -= deleted
    changed &= tracked
    markers = _VENV_MARKER in text or _VENV_MARKER in index
    if markers:
        rule.venvs = {
            p[: -len(_VENV_MARKER) - 1]
            for p in (tracked | untracked)
            if p.endswith("/" + _VENV_MARKER)
        }
    # the rule is checked once per folder; paths are filtered only if a folder is skipped
    folders = {p.rpartition("/")[0] for p in (tracked | untracked | deleted)}
    skipped = {f for f in folders if f and rule.skips_path(f + "/" + _VENV_MARKER)}
    if skipped:
        tracked = {p for p in tracked if p.rpartition("/")[0] not in skipped}
        untracked = {p for p in untracked if p.rpartition("/")[0] not in skipped}
        deleted = {p for p in deleted if p.rpartition("/")[0] not in skipped}
        changed &= tracked
    if suffixes and markers:  # the markers matched only to find virtualenvs
        wanted = tuple(suffixes)
        tracked = {p for p in tracked if p.endswith(wanted)}
        untracked = {p for p in untracked if p.endswith(wanted)}
        changed &= tracked
    return ProjectFiles(
        sorted(tracked | untracked),
        "git",
        frozenset(tracked),
        frozenset(untracked),
        frozenset(deleted),
        frozenset(changed),
    )


def _walk(root: Path, rule: _SkipRule, suffixes: Sequence[str] | None) -> list[str]:
    wanted = tuple(suffixes) if suffixes else None
    found: list[str] = []
    base = os.fspath(root)
    for folder, dirnames, filenames in os.walk(base):
        rel = os.path.relpath(folder, base).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in dirnames:
            if os.path.exists(os.path.join(folder, name, _VENV_MARKER)):
                rule.venvs.add(prefix + name)
        if prefix and rule.skips_path(prefix + _VENV_MARKER):
            # a skipped folder entered only on the way to a kept one
            dirnames[:] = [d for d in dirnames if rule.kept(prefix + d)]
            continue
        dirnames[:] = [
            d
            for d in dirnames
            if prefix + d != rule.state
            and (rule.kept(prefix + d) or not rule.skips_path(f"{prefix}{d}/{_VENV_MARKER}"))
        ]
        found.extend(prefix + f for f in filenames if wanted is None or f.endswith(wanted))
    found.sort()
    return found


def list_project_files(
    root: str | os.PathLike[str],
    git: GitRunner | None = None,
    *,
    suffixes: Sequence[str] | None = None,
    keep: Iterable[str] = (),
    state_dir: str | os.PathLike[str] | None = ".autocode",
    modified: bool = False,
    on_tracked: Callable[[frozenset[str]], None] | None = None,
) -> ProjectFiles:
    """The project's files (see the module docstring): git's view when ``git``
    is given and ``root`` is in a git work tree, else a walk of ``root``.

    :param git: a runner in ``root``; ``None`` always walks.
    :param suffixes: only files whose name ends with one of these (``[".py"]``);
        plain suffixes, no glob characters. ``None``: every file.
    :param keep: project-relative folders to enter even if the rule skips them.
    :param state_dir: the state folder, relative to ``root`` or absolute.
    :param modified: also report tracked files with unstaged changes (git's view only).
    :param on_tracked: git's view only: called once, in the calling thread,
        with the files in git's index under the root (skip-worktree ones left
        out) as soon as git lists them, while git still scans the work tree:
        before the skip rule, so with files it will leave out, and before
        deletions and untracked files are known. For work that needs only a
        first idea of the project's folders (starting a ``git log`` over
        them). Not called when the listing falls back to the walk; what it
        raises propagates unchanged.
    :raises RunCancelledError: the check run was cancelled while git ran.
    """
    root_path = Path(root)
    rule = _SkipRule(root_path, state_dir, keep)
    problem: str | None = None
    if git is not None:
        try:
            return _git_view(git, rule, suffixes, modified, on_tracked)
        except _CallerError as exc:
            assert exc.__cause__ is not None
            raise exc.__cause__ from None
        except NotAGitRepositoryError:
            pass
        except GitNotFoundError as exc:
            problem = f"git could not run: {exc}"
        except GitError as exc:
            problem = exc.stderr.strip().splitlines()[-1] if exc.stderr.strip() else str(exc)
    return ProjectFiles(_walk(root_path, rule, suffixes), "walk", git_problem=problem)


def project_files(
    context: CheckContext[Any],
    *,
    git: GitRunner | None = None,
    suffixes: Sequence[str] | None = None,
    keep: Iterable[str] = (),
    modified: bool = False,
) -> ProjectFiles:
    """``list_project_files`` for a check: its project root, its state folder,
    git through ``context.run_process`` (or ``git``, a runner the check already
    uses, so its call count includes this one)."""
    return list_project_files(
        context.project_root,
        git if git is not None else GitRunner.from_context(context),
        suffixes=suffixes,
        keep=keep,
        state_dir=context.config.daemon.state_dir,
        modified=modified,
    )
