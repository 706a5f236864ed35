"""Which command-line paths make pytest run exactly the wanted test files.

pytest pays for every path on its command line (about a millisecond each,
and a long command line has an OS limit), so a folder is passed instead of
its files whenever that selects the same tests: when every file under it
that pytest collects by default (``test_*.py``, ``*_test.py``) is wanted, and
every wanted file under it has such a name. The project root itself is never
passed. Files pytest would collect but the listing does not hold (ignored by
git) may then run too; their cases map to no expected test file and are not
counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["is_collected_by_default", "select_paths"]


def is_collected_by_default(path: str) -> bool:
    """True if pytest's default ``python_files`` (``test_*.py *_test.py``) matches ``path``."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def _folders(path: str) -> list[str]:
    """The folders above ``path``, outermost first, without the project root."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def select_paths(wanted: Sequence[str], test_files: Iterable[str]) -> list[str]:
    """Paths to pass to pytest to run ``wanted`` (sorted, project-relative files).

    :param test_files: every test file of the project's listing, wanted or not.
    """
    wanted_set = set(wanted)
    blocked: set[str] = set()
    for path in test_files:
        if path not in wanted_set and is_collected_by_default(path):
            blocked.update(_folders(path))
    for path in wanted:
        if not is_collected_by_default(path):
            blocked.update(_folders(path))
    chosen: list[str] = []
    seen: set[str] = set()
    for path in sorted(wanted_set):
        choice = next((f for f in _folders(path) if f not in blocked), path)
        if choice not in seen:
            seen.add(choice)
            chosen.append(choice)
    return chosen
