"""A pytest plugin that ``test_check`` loads into the project's pytest run (``-p``).

It runs in the project's interpreter, so it imports nothing but the standard
library. ``autocode_tests.pytest_run`` copies this file alone into a
temporary folder put first on ``PYTHONPATH`` (the package's other modules
would shadow the project's own) and passes ``-p autocode_tests_probe``.

At the end of the session it writes a JSON document to the path in
``$AUTOCODE_TESTS_PROBE_OUT``:

* ``collected``: test items collected per file (node-id path, relative to
  the root dir), before deselection;
* ``deselected``: items deselected per file (``-m``, ``-k``, plugins);
* ``visited``: the ``.py`` files pytest collected as modules, tests or not
  (a file missing here was outside what the configuration collects:
  ``testpaths``, ``python_files``, ``--ignore``);
* ``stopped``: why the session stopped before running every selected item
  (``-x``/``--maxfail``, a plugin's ``shouldstop``), else ``null``;
* ``modules``: for each top-level name in ``$AUTOCODE_TESTS_PROBE_MODULES``
  (comma-separated) that the tests imported, the file it was imported from
  (``__file__``, or the first ``__path__`` entry of a namespace package).

Nothing is written when the variable is unset, so the module is harmless
when loaded another way.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import Any

_collected: Counter[str] = Counter()
_deselected: Counter[str] = Counter()
_visited: set[str] = set()


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_itemcollected(item: Any) -> None:
    """Count one collected item for its file."""
    _collected[_file(item.nodeid)] += 1


def pytest_collectreport(report: Any) -> None:
    """Note each module pytest collected (with or without tests in it)."""
    nodeid = str(getattr(report, "nodeid", ""))
    if nodeid.endswith(".py") and "::" not in nodeid:
        _visited.add(nodeid)


def pytest_deselected(items: Any) -> None:
    """Count deselected items per file."""
    for item in items:
        _deselected[_file(item.nodeid)] += 1


def _origin(name: str) -> str | None:
    module = sys.modules.get(name)
    if module is None:
        return None
    file = getattr(module, "__file__", None)
    if file:
        return str(file)
    path = list(getattr(module, "__path__", []) or [])
    return str(path[0]) if path else None


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    """Write the collected facts (see the module docstring)."""
    out = os.environ.get("AUTOCODE_TESTS_PROBE_OUT")
    if not out:
        return
    stopped = getattr(session, "shouldfail", False) or getattr(session, "shouldstop", False)
    names = [n for n in os.environ.get("AUTOCODE_TESTS_PROBE_MODULES", "").split(",") if n]
    modules = {name: origin for name in names if (origin := _origin(name)) is not None}
    document = {
        "collected": dict(_collected),
        "deselected": dict(_deselected),
        "visited": sorted(_visited),
        "stopped": str(stopped) if stopped else None,
        "modules": modules,
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
