"""Reading pytest's JUnit XML report into one outcome per test case.

pytest runs with ``-o junit_family=xunit1`` and ``--rootdir`` at the project
root, so each ``testcase`` carries a ``classname`` derived from its node id
(``tests.pkg.test_mod.TestClass``) and a ``file``. Each case is mapped to the
test file it was collected from by matching the dotted module part of the
``classname`` against the files that were run (the ``file`` attribute names
where the function is defined, which for an inherited test is another file).
A module that failed to import appears as a case with an empty ``classname``
and the error message ``collection failure``.

An expected failure (``xfail``) is ``xfailed``, as pytest counts it, not
``skipped``. A failed case's ``line`` (1-based) is the last ``<file>:<line>:`` location
in its traceback that lies in its own test file (where the assertion
failed), else the line of the test function (the report's 0-based ``line``
attribute, plus one) when the report places it in that file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree

__all__ = ["CaseOutcome", "Outcome", "read_junit"]

Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "collection_error"]

_REASON_LIMIT = 200


@dataclass(frozen=True)
class CaseOutcome:
    """One test case: its file (project-relative), node id, outcome, a one-line reason, a line."""

    file: str
    id: str
    outcome: Outcome
    reason: str = ""
    line: int | None = None


def read_junit(report: Path, files: Iterable[str]) -> list[CaseOutcome]:
    """The cases of ``report``, each mapped to one of ``files`` when possible.

    Cases that map to none of ``files`` keep the report's ``file`` attribute.

    :raises xml.etree.ElementTree.ParseError: the report is not valid XML.
    """
    modules = {f[: -len(".py")].replace("/", "."): f for f in files if f.endswith(".py")}
    cases = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        classname = case.get("classname", "")
        name = case.get("name", "")
        file, rest = _module(classname, modules)
        collection = False
        if not classname and file is None:  # a module-level report: collection error or skip
            file, rest = _module(name, modules)
            collection = file is not None and rest == []
        if file is None:
            file = case.get("file", "")
            _, rest = _module(classname, {file[: -len(".py")].replace("/", "."): file})
        node_id = file if collection else "::".join([file, *rest, name])
        outcome, reason = _outcome(case, collection)
        line = _line(case, file) if outcome in ("failed", "error") else None
        cases.append(CaseOutcome(file, node_id, outcome, reason, line))
    return cases


_LOCATION = re.compile(r"^(?P<path>[^\s:][^:\n]*):(?P<line>\d+): ", re.MULTILINE)


def _line(case: ElementTree.Element, file: str) -> int | None:
    for tag in ("failure", "error"):
        element = case.find(tag)
        if element is not None:
            found = [
                int(m["line"]) for m in _LOCATION.finditer(element.text or "") if m["path"] == file
            ]
            if found and found[-1] >= 1:
                return found[-1]
    declared = case.get("line", "")
    if case.get("file") == file and declared.isdigit():
        return int(declared) + 1
    return None


def _module(dotted: str, modules: dict[str, str]) -> tuple[str | None, list[str]]:
    parts = dotted.split(".") if dotted else []
    for end in range(len(parts), 0, -1):
        file = modules.get(".".join(parts[:end]))
        if file is not None:
            return file, parts[end:]
    return None, []


def _outcome(case: ElementTree.Element, collection: bool) -> tuple[Outcome, str]:
    for tag in ("failure", "error"):
        element = case.find(tag)
        if element is not None:
            if collection:
                return "collection_error", _collection_reason(element)
            return ("failed" if tag == "failure" else "error"), _reason(element)
    skipped = case.find("skipped")
    if skipped is not None:
        return ("xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"), _reason(skipped)
    return "passed", ""


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line[:_REASON_LIMIT]
    return ""


def _reason(element: ElementTree.Element) -> str:
    return _first_line(element.get("message")) or _first_line(element.text)


def _collection_reason(element: ElementTree.Element) -> str:
    """The last ``E   `` line of the traceback (the exception), else the message."""
    lines = (element.text or "").splitlines()
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    if errors:
        return errors[-1][:_REASON_LIMIT]
    tail = [line.strip() for line in lines if line.strip()]
    return (tail[-1] if tail else _first_line(element.get("message")))[:_REASON_LIMIT]
