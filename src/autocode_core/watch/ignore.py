"""Which changed paths can never run a check: the watcher's ignore rules.

Two stages, both before any check's own ``watch`` patterns are consulted:

1. ``ChangeFilter`` (cheap, synchronous, called by ``watchfiles`` for every
   raw event): drops what ``watchfiles.DefaultFilter`` drops (caches such as
   ``__pycache__``, ``.pytest_cache``, ``.mypy_cache``, ``node_modules``,
   ``.venv``; compiled ``*.pyc``; editor swap and backup files), which a
   check's own run may write even where git does not ignore them; paths
   outside the project; ``.git/`` internals except
   the files that move when a commit, checkout or stage happens (``HEAD``,
   ``index``, ``packed-refs``, ``refs/**``; never ``*.lock``), the state
   folder, and every output a check declares (``CheckSettings.outputs``) with
   the temporary files its atomic write goes through (``.<name>.*.tmp`` beside
   it, ``toolkit.atomic``), so a check's own output never causes a loop.
2. ``GitIgnore`` (one call per batch): drops what git ignores, by git's own
   rules (``git check-ignore --stdin -z``: every ``.gitignore``,
   ``.git/info/exclude`` and the global excludes file). Outside a git
   repository, the root ``.gitignore`` is read with ``pathspec``.

Paths are project-relative POSIX strings throughout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import anyio
import pathspec
import structlog
from watchfiles import Change, DefaultFilter

from autocode_core.watch.check_ignore import CheckIgnoreError, CheckIgnoreProcess

__all__ = ["GIT_MOVES", "ChangeFilter", "GitIgnore", "relative_path"]

log = structlog.get_logger("autocode.watch")

#: files under ``.git/`` whose changes mean a commit, checkout, stage or branch move
GIT_MOVES = frozenset({".git/HEAD", ".git/index", ".git/packed-refs", ".git/ORIG_HEAD"})


def relative_path(root: Path, path: str | os.PathLike[str]) -> str | None:
    """``path`` relative to ``root`` as POSIX text; ``None`` for the root itself or outside it."""
    try:
        rel = Path(path).relative_to(root)
    except ValueError:
        return None
    text = rel.as_posix()
    return None if text in ("", ".") else text


def _under(rel: str, prefixes: Iterable[str]) -> bool:
    return any(rel == p or rel.startswith(p + "/") for p in prefixes)


class ChangeFilter:
    """The cheap first stage: a ``watchfiles`` ``watch_filter`` (true keeps the change).

    :param root: the project root (absolute).
    :param state_dir: the state folder (relative to ``root`` or absolute).
    :param outputs: files or folders checks write (relative to ``root`` or absolute).
    """

    def __init__(self, root: Path, state_dir: str, outputs: Iterable[str] = ()) -> None:
        self.root = root
        default = DefaultFilter()
        self._dirs = frozenset(default.ignore_dirs)
        self._entities = [re.compile(pattern) for pattern in default.ignore_entity_patterns]
        self.skipped: list[str] = []
        self.temporaries: list[tuple[str, str]] = []  # (folder/.name., ".tmp") of atomic writes
        for n, entry in enumerate([state_dir, *outputs]):
            path = Path(entry) if Path(entry).is_absolute() else root / entry
            rel = relative_path(root, os.path.normpath(path))
            if rel is not None:
                self.skipped.append(rel)
                if n:
                    folder, _, name = rel.rpartition("/")
                    self.temporaries.append((f"{folder}/.{name}." if folder else f".{name}.", ".tmp"))

    def keeps(self, rel: str) -> bool:
        """True when a change of ``rel`` (project-relative) may run a check."""
        parts = PurePosixPath(rel).parts
        if parts[0] == ".git":
            if rel.endswith(".lock"):
                return False
            return rel in GIT_MOVES or (len(parts) > 2 and parts[1] == "refs")
        if any(part in self._dirs for part in parts) or any(p.search(parts[-1]) for p in self._entities):
            return False
        if any(rel.startswith(head) and rel.endswith(tail) for head, tail in self.temporaries):
            return False
        return not _under(rel, self.skipped)

    def __call__(self, change: Change, path: str) -> bool:
        rel = relative_path(self.root, path)
        return rel is not None and self.keeps(rel)


class GitIgnore:
    """The second stage: what git ignores, for a batch of paths.

    ``await ignored(paths)`` returns the subset git ignores. In a git
    repository it asks a long-lived ``git check-ignore`` (``CheckIgnoreProcess``:
    git's exact rules, files that no longer exist included), restarted when a
    ``.gitignore`` changes, and one ``git check-ignore`` per batch if that
    process fails; elsewhere it matches the root ``.gitignore`` with
    ``pathspec``. ``.git/`` paths are never ignored here. ``aclose`` ends the
    process.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process = CheckIgnoreProcess(root)

    async def aclose(self) -> None:
        """End the long-lived git process (the next batch starts another)."""
        await self._process.aclose()

    def _in_git(self) -> bool:
        return (self.root / ".git").exists()

    async def ignored(self, paths: Iterable[str]) -> set[str]:
        """The paths of ``paths`` that git ignores (the others may run checks)."""
        candidates = sorted(p for p in paths if not p.startswith(".git/"))
        if not candidates:
            return set()
        if self._in_git():
            if any(p == ".gitignore" or p.endswith("/.gitignore") for p in candidates):
                await self._process.aclose()  # git read the old rules once: start afresh
            try:
                return await self._process.ask(candidates)
            except CheckIgnoreError as exc:
                log.warning("git_check_ignore_process_failed", error=str(exc))
                await self._process.aclose()
            try:
                done = await anyio.run_process(
                    ["git", "check-ignore", "-z", "--stdin"],
                    input="\0".join(candidates).encode() + b"\0", cwd=self.root, check=False,
                )
            except OSError as exc:  # git missing: fall back on the .gitignore file
                log.warning("git_check_ignore_failed", error=str(exc))
            else:
                if done.returncode in (0, 1):
                    return {p for p in done.stdout.decode(errors="replace").split("\0") if p}
                log.warning("git_check_ignore_failed", error=done.stderr.decode(errors="replace").strip())
        return self._by_gitignore_file(candidates)

    def _by_gitignore_file(self, candidates: list[str]) -> set[str]:
        try:
            lines = (self.root / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return set()
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        return {p for p in candidates if spec.match_file(p)}
