"""From a project's Python files to the test files expected for them.

``map_tests`` sorts every file into code, test or neither, and returns a
``TestPlan``: one ``ExpectedTest`` per test file some code asks for (a module
asks for its unit test, a code folder for its integration test) and one
``Orphan`` per test file that follows a template but whose code is gone.

* Code: a ``.py`` file under a source root that is not a test file, not an
  ``__init__.py`` and not exempt.
* Test files: files under a template's literal folder (``tests/``), files
  pytest collects by name (``test_*.py``, ``*_test.py``) and ``conftest.py``.
* A code folder: a folder below a source root holding at least one code
  module directly (the source root itself is not one).

Every list is sorted by path, so results are deterministic.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pathspec

from autocode_tests.settings import LayoutSettings
from autocode_tests.templates import TestPathTemplate

__all__ = ["ExpectedTest", "Orphan", "TestKind", "TestPlan", "map_tests", "pick_source_roots"]

TestKind = Literal["unit", "integration"]


@dataclass(frozen=True)
class ExpectedTest:
    """A test file some code asks for.

    ``code`` lists what it tests: module paths (unit) or folder paths ending in
    ``/`` (integration); several when a flat layout maps modules of different
    folders to one test file.
    """

    __test__ = False

    path: str
    kind: TestKind
    code: tuple[str, ...]
    exists: bool


@dataclass(frozen=True)
class Orphan:
    """A test file that follows a template, for code (``code``) that does not exist."""

    path: str
    kind: TestKind
    code: str


@dataclass
class TestPlan:
    """The outcome of ``map_tests``; see the module docstring.

    ``test_files`` lists every test file of the listing, expected or not.
    """

    __test__ = False

    source_roots: list[str]
    expected: list[ExpectedTest] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    code_files: int = 0
    code_folders: int = 0
    test_files: list[str] = field(default_factory=list)

    @property
    def existing(self) -> list[str]:
        """Paths of the expected test files that exist, sorted."""
        return [t.path for t in self.expected if t.exists]


def pick_source_roots(files: Iterable[str], configured: Sequence[str] | None) -> list[str]:
    """``configured``, or ``["src"]`` if some file lives under ``src/``, else ``["."]``."""
    if configured is not None:
        return list(configured)
    return ["src"] if any(f.startswith("src/") for f in files) else ["."]


def _is_test_name(basename: str) -> bool:
    return (
        basename == "conftest.py" or (basename.startswith("test_")) or basename.endswith("_test.py")
    )


def _relative(path: str, root: str) -> str | None:
    if root == ".":
        return path
    return path[len(root) + 1 :] if path.startswith(root + "/") else None


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p and p != ".")


def map_tests(files: Sequence[str], layout: LayoutSettings) -> TestPlan:
    """Map the project's ``.py`` files (project-relative, ``/``) to expected tests."""
    unit = TestPathTemplate(layout.unit_test)
    integration = TestPathTemplate(layout.integration_test) if layout.integration_test else None
    templates = [t for t in (unit, integration) if t is not None]
    test_roots = tuple(t.root + "/" for t in templates if t.root)
    exempt = pathspec.GitIgnoreSpec.from_lines(layout.exempt)
    roots = pick_source_roots(files, layout.source_roots)
    plan = TestPlan(source_roots=roots)

    tests: list[str] = []
    units: dict[str, list[str]] = {}
    folders: dict[str, str] = {}  # code folder (project-relative, "/" ended) -> {dir}
    for path in files:
        basename = path.rsplit("/", 1)[-1]
        if (
            path.startswith(test_roots)
            or _is_test_name(basename)
            or any(t.match(path) for t in templates)
        ):
            tests.append(path)
            continue
        if basename == "__init__.py" or exempt.match_file(path):
            continue
        for root in roots:
            rel = _relative(path, root)
            if rel is None:
                continue
            folder, _, module = rel.rpartition("/")
            name = module[: -len(".py")]
            target = unit.expand(folder, name=name, folder=posixpath.basename(folder))
            units.setdefault(target, []).append(path)
            plan.code_files += 1
            if folder:
                folders[_join(root, folder) + "/"] = folder
            break

    plan.test_files = tests
    present = set(tests)
    wanted: dict[str, ExpectedTest] = {}
    for target, code in units.items():
        wanted[target] = ExpectedTest(target, "unit", tuple(sorted(code)), target in present)
    plan.code_folders = len(folders)
    if integration is not None:
        targets: dict[str, list[str]] = {}
        for code_folder, rel in folders.items():
            target = integration.expand(rel, folder=posixpath.basename(rel))
            targets.setdefault(target, []).append(code_folder)
        for target, code in targets.items():
            if target in wanted:  # a module and a folder both claim it: the module's test wins
                continue
            wanted[target] = ExpectedTest(
                target, "integration", tuple(sorted(code)), target in present
            )
    plan.expected = sorted(wanted.values(), key=lambda t: t.path)

    for path in tests:
        if path in wanted or exempt.match_file(path):
            continue
        orphan = _orphan(path, unit, integration, roots[0])
        if orphan is not None:
            plan.orphans.append(orphan)
    plan.orphans.sort(key=lambda o: o.path)
    return plan


def _orphan(
    path: str, unit: TestPathTemplate, integration: TestPathTemplate | None, root: str
) -> Orphan | None:
    if integration is not None:
        found = integration.match(path)
        if found is not None:
            folder_dir = found.get("dir", "")
            folder = found.get("folder")
            if folder_dir and (folder is None or posixpath.basename(folder_dir) == folder):
                return Orphan(path, "integration", _join(root, folder_dir) + "/")
            if not folder_dir and folder is not None and "dir" not in found:
                return Orphan(path, "integration", _join(root, folder) + "/")
    found = unit.match(path)
    if found is not None:
        return Orphan(path, "unit", _join(root, found.get("dir", ""), found["name"] + ".py"))
    return None
