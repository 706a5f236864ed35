"""Which checks a batch of changed paths runs: each check's ``watch`` patterns.

``daemon.<check>.watch`` (or the plugin's default, ``CheckPlugin.watch``) is a
list of gitignore-style patterns (``*.py``, ``docs/``, ``!docs/build/``),
matched with ``pathspec``'s ``GitIgnoreSpec`` against project-relative POSIX
paths. ``None`` means any path outside ``.git/``; an empty list, none.
Changes under ``.git/`` (a commit, checkout or stage) match only a check
whose patterns name them (``*`` does: git_check declares it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import pathspec

__all__ = ["CheckPatterns", "patterns_for"]


class CheckPatterns:
    """One check's watch patterns, compiled once."""

    def __init__(self, patterns: Sequence[str] | None) -> None:
        self.patterns = None if patterns is None else tuple(patterns)
        self._spec = None if patterns is None else pathspec.GitIgnoreSpec.from_lines(list(patterns))

    def matches(self, rel: str) -> bool:
        """True when a change of ``rel`` (project-relative POSIX) should run the check."""
        if self._spec is None:
            return not rel.startswith(".git/")
        return bool(self._spec.match_file(rel))

    def select(self, paths: Iterable[str]) -> set[str]:
        """The paths of ``paths`` this check watches."""
        return {p for p in paths if self.matches(p)}


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...] | None) -> CheckPatterns:
    return CheckPatterns(patterns)


def patterns_for(patterns: Sequence[str] | None) -> CheckPatterns:
    """The compiled ``CheckPatterns`` of a pattern list (cached: configuration can change live)."""
    return _compiled(None if patterns is None else tuple(patterns))
