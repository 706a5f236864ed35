"""Whether the tests imported the checkout's own code, or an installed copy of it.

A test run with an interpreter that has a release of the project installed
(not in editable mode) may import that release instead of the code being
edited, and report it passing. ``project_modules`` names the top-level
modules and packages of the checkout; the run's probe
(``autocode_tests.pytest_probe``) records where the tests imported each of
them from; ``foreign_imports`` lists those that came from elsewhere (outside
the project root, or an environment inside it), which the result reports as a warning.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["MAX_MODULES", "foreign_imports", "project_modules"]

#: the probe checks at most this many top-level names
MAX_MODULES = 50
#: folders that hold installed packages, even inside the project (its ``.venv``)
_INSTALLED = {"site-packages", "dist-packages"}


def project_modules(files: Sequence[str], source_roots: Sequence[str]) -> list[str]:
    """Top-level importable names of the checkout, sorted.

    A source root that is itself a package (``pkg/`` holding ``__init__.py``)
    gives its own name. Otherwise a folder directly under a source root with
    an ``__init__.py`` in ``files`` is a package, and a ``.py`` file directly
    under a source root other than the project root is a module (at the
    project root such files are scripts, tests or configuration more often
    than modules). Dunder names (``__main__``) are never claimed.
    """
    listed = set(files)
    names: set[str] = set()
    for root in source_roots:
        if root != "." and f"{root}/__init__.py" in listed:
            name = posixpath.basename(root)
            if name.isidentifier():
                names.add(name)
            continue
        prefix = "" if root == "." else root + "/"
        for path in files:
            if not path.startswith(prefix):
                continue
            rel = path[len(prefix) :]
            first, slash, _ = rel.partition("/")
            if slash and f"{prefix}{first}/__init__.py" in listed and first.isidentifier():
                names.add(first)
            elif not slash and prefix and rel.endswith(".py"):
                names.add(rel[: -len(".py")])
    return sorted(n for n in names if n.isidentifier() and not n.startswith("__"))[:MAX_MODULES]


def foreign_imports(modules: Mapping[str, str], project_root: Path) -> dict[str, str]:
    """The names of ``modules`` (name → imported file) not imported from the checkout.

    From the checkout means under ``project_root`` (symlinks resolved) and
    not in a ``site-packages``/``dist-packages`` folder (an environment kept
    inside the project, such as ``.venv``, is not the checkout).
    """
    root = os.path.realpath(project_root)
    outside = {}
    for name, origin in sorted(modules.items()):
        real = os.path.realpath(origin)
        inside = os.path.commonpath([root, real]) == root
        installed = _INSTALLED & set(Path(real).parts)
        if not inside or installed:
            outside[name] = origin
    return outside
