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
  (``__file__``, or the first ``__path__`` entry of a namespace package);
* ``cases``: one ``[node id, outcome, reason, line]`` per test that reported,
  in the order they ran, and per module that failed to be collected or was
  skipped whole (its node id is its path). The outcome is ``passed``,
  ``failed`` (its call failed; a strict ``XPASS`` too), ``error`` (its setup
  or teardown failed), ``skipped``, ``xfailed`` or ``collection_error``, the
  worst of its phases in that order; the reason is one line of at most 200
  characters (the exception's message, the skip or xfail reason; ``failed on
  setup with "..."`` for an error); the line (failures and errors only,
  1-based, else ``null``) is the last ``<file>:<line>:`` of the traceback in
  the test's own file, else the line of the test function. Read from the
  reports pytest hands its hooks, as its own JUnit XML writer does, without
  writing XML.

Nothing is written when the variable is unset, so the module is harmless
when loaded another way.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from typing import Any

_REASON_LIMIT = 200
_LOCATION = re.compile(r"^(?P<path>[^\s:][^:\n]*):(?P<line>\d+): ", re.MULTILINE)
#: how bad an outcome is: a test keeps the worst of its setup, call and teardown
_RANK = {"passed": 0, "skipped": 1, "xfailed": 1, "error": 2, "failed": 3, "collection_error": 3}

_cases: dict[str, list[Any]] = {}
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
    if nodeid and "::" not in nodeid:  # a module, not a class inside one
        if report.failed:
            _record(nodeid, "collection_error", _collection_reason(report), None)
        elif report.skipped:
            _record(nodeid, "skipped", _skip_reason(report), None)


def _first_line(text: object) -> str:
    for line in str(text or "").splitlines():
        line = line.strip()
        if line:
            return line[:_REASON_LIMIT]
    return ""


def _crash(report: Any) -> str:
    """The exception's message (pytest's ``reprcrash``), else the report's text."""
    crash = getattr(report.longrepr, "reprcrash", None)
    return str(crash.message) if crash is not None else str(report.longrepr)


def _line(report: Any, file: str) -> int | None:
    found = [
        int(m["line"]) for m in _LOCATION.finditer(str(report.longrepr)) if m["path"] == file
    ]
    if found and found[-1] >= 1:
        return found[-1]
    location = getattr(report, "location", None)
    if location and location[0] == file and isinstance(location[1], int):
        return int(location[1]) + 1
    return None


def _skip_reason(report: Any) -> str:
    wasxfail = getattr(report, "wasxfail", None)
    if wasxfail is not None:
        return _first_line(str(wasxfail).removeprefix("reason: "))
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else longrepr
    return _first_line(str(text).removeprefix("Skipped: "))


def _record(nodeid: str, outcome: str, reason: str, line: int | None) -> None:
    case = _cases.get(nodeid)
    if case is None:
        _cases[nodeid] = [nodeid, outcome, reason, line]
    elif _RANK[outcome] > _RANK[case[1]]:
        case[1:] = [outcome, reason, line]


def pytest_runtest_logreport(report: Any) -> None:
    """Keep the worst outcome of each test's phases (see the module docstring)."""
    nodeid = str(report.nodeid)
    file = _file(nodeid)
    if report.failed:
        if report.when == "call":
            reason = _first_line(_crash(report)) or _first_line(report.longrepr)
            _record(nodeid, "failed", reason, _line(report, file))
        else:
            reason = _first_line(f'failed on {report.when} with "{_crash(report)}"')
            _record(nodeid, "error", reason, _line(report, file))
    elif report.skipped:
        xfailed = getattr(report, "wasxfail", None) is not None
        _record(nodeid, "xfailed" if xfailed else "skipped", _skip_reason(report), None)
    else:
        _record(nodeid, "passed", "", None)


def _collection_reason(report: Any) -> str:
    """The last ``E   `` line of the traceback (the exception), else its last line."""
    lines = str(report.longrepr).splitlines()
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    if errors:
        return errors[-1][:_REASON_LIMIT]
    tail = [line.strip() for line in lines if line.strip()]
    return (tail[-1] if tail else "collection failure")[:_REASON_LIMIT]


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
        "cases": list(_cases.values()),
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
