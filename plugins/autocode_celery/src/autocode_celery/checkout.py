"""A worker's cache of repositories and worktrees (bounded), for ``code = "git"`` runs.

``<cache>/repos/<hash of URL>`` is a mirror clone, fetched again only when
a commit is missing; ``<cache>/trees/<commit>[-<patch hash>]`` a detached
worktree at that commit with the patch applied, reused by later runs of the
same code. Past ``max_worktrees`` the least recently used worktrees are
removed (the folder, then ``git worktree prune``). One worker's runs take a file lock around
these steps, so two runs never clone or prune at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

__all__ = ["CheckoutCache", "CheckoutError"]


class CheckoutError(RuntimeError):
    """The code could not be fetched or the patch did not apply (the message says which)."""


def _git(*args: str, cwd: Path | None = None, stdin: str | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=600, check=False)
    if done.returncode != 0:
        raise CheckoutError(f"git {' '.join(args[:2])} failed: {done.stderr.strip()[:500]}")
    return done.stdout


class CheckoutCache:
    """Checkouts of exact commits under ``root``, at most ``max_worktrees`` kept."""

    def __init__(self, root: Path, max_worktrees: int = 8) -> None:
        if max_worktrees < 1:
            raise ValueError("max_worktrees must be at least 1")
        self.root = root
        self.max_worktrees = max_worktrees

    def checkout(self, url: str, commit: str, patch: str = "") -> Path:
        """The folder of ``url`` at ``commit`` with ``patch`` applied.

        :raises CheckoutError: cloning, fetching, checking out or applying failed.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            mirror = self.root / "repos" / hashlib.sha256(url.encode()).hexdigest()[:16]
            if not mirror.exists():
                _git("clone", "--mirror", "--quiet", url, str(mirror))
            if subprocess.run(["git", "-C", str(mirror), "cat-file", "-e", f"{commit}^{{commit}}"],
                              capture_output=True, check=False).returncode != 0:
                _git("-C", str(mirror), "fetch", "--quiet", "origin")
            key = commit[:16] + (f"-{hashlib.sha256(patch.encode()).hexdigest()[:12]}" if patch else "")
            tree = self.root / "trees" / key
            if not tree.exists():
                _git("-C", str(mirror), "worktree", "add", "--detach", "--quiet", str(tree), commit)
                if patch:
                    try:
                        _git("apply", "--binary", "--whitespace=nowarn", "-", cwd=tree, stdin=patch)
                    except CheckoutError:
                        self._remove(mirror, tree)
                        raise
            now = time.time_ns()  # exact: the kernel's file clock ticks too coarsely to order uses
            os.utime(tree, ns=(now, now))  # most recently used
            self._prune(mirror)
            return tree

    def worktrees(self) -> list[Path]:
        """Kept worktrees, least recently used first."""
        trees = self.root / "trees"
        return sorted(trees.iterdir(), key=lambda p: p.stat().st_mtime) if trees.exists() else []

    def _prune(self, mirror: Path) -> None:
        kept = self.worktrees()
        for tree in kept[: max(0, len(kept) - self.max_worktrees)]:
            self._remove(mirror, tree)

    def _remove(self, mirror: Path, tree: Path) -> None:
        """Delete a worktree's folder, then let every mirror forget its missing worktrees."""
        shutil.rmtree(tree, ignore_errors=True)
        for repo in (self.root / "repos").iterdir():
            subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True, check=False)
