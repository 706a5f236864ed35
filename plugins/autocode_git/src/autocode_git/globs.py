"""Which paths a list of exclusion globs selects.

A glob without ``/`` matches a file name in any folder (``*.lock`` matches
``a/b/yarn.lock``); a glob with ``/`` matches the whole project-relative path,
where ``*`` also crosses ``/`` (``dist/*`` matches everything under ``dist``).
Matching is case-sensitive. These globs choose what to leave out of the
summary or the token budget; what git ignores is decided by git alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

__all__ = ["matching_glob"]


def matching_glob(path: str, globs: Iterable[str]) -> str | None:
    """The first glob that selects ``path`` (``/``-separated), or ``None``."""
    name = path.rsplit("/", 1)[-1]
    for glob in globs:
        pattern = glob.lstrip("/") if "/" in glob else glob
        if fnmatchcase(path if "/" in glob else name, pattern):
            return glob
    return None
