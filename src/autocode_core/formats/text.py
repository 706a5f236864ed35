"""Findings on the terminal, under a check's one-line result (``autocode check -v``, ``show``).

::

    ❌ test_check: 1 test failing (2.31s)
        2 failing tests in 1 file, 1 missing test
        ✗ tests/test_calc.py::test_add: assert 3 == 4
        ✗ tests/test_calc.py::test_sub: ZeroDivisionError: division by zero
        … and 1 more (1 missing test)

Each finding is one line (its first line), marked by severity (``✗`` error,
``!`` warning, ``·`` note) and prefixed with ``path:line`` unless the message
already names its path. Lists longer than ``max_items`` are cut.
"""

from __future__ import annotations

from autocode_core.formats.findings import count_phrase, more_phrase, ordered
from autocode_core.models import CheckResult, Finding

__all__ = ["ICONS", "MARKS", "finding_line", "finding_lines", "result_line"]

ICONS = {"success": "✅", "warning": "⚠️", "error": "❌"}
COLORS = {"success": "32", "warning": "33", "error": "31"}
MARKS = {"error": "✗", "warning": "!", "info": "·"}
_COLORS = {"error": "31", "warning": "33", "info": "2"}
INDENT = "    "


def result_line(result: CheckResult, color: bool = False) -> str:
    """One line: ``<icon> <check>: <message> (<duration>)``."""
    message = result.message.strip().splitlines()[0] if result.message.strip() else result.status
    if not message[0].isascii():  # the plugin chose its own icon, as the design document's checks do
        icon, _, message = message.partition(" ")
    else:
        icon = ICONS[result.status]
    name = result.check_name
    if color:
        name = f"\033[{COLORS[result.status]}m{name}\033[0m"
    duration = f" ({result.duration_seconds:.2f}s)" if result.duration_seconds is not None else ""
    return f"{icon} {name}: {message}{duration}"


def _location(finding: Finding) -> str:
    if finding.path is None:
        return ""
    return f"{finding.path}:{finding.line}" if finding.line is not None else finding.path


def finding_line(finding: Finding, color: bool = False) -> str:
    """One finding on one line: mark, location (when the message lacks it), message."""
    message = (finding.message.strip().splitlines() or [""])[0]
    where = _location(finding)
    if where and finding.path and finding.path not in message:
        message = f"{where}: {message}"
    mark = MARKS.get(finding.severity, "·")
    if color:
        mark = f"\033[{_COLORS.get(finding.severity, '0')}m{mark}\033[0m"
    return f"{mark} {message}"


def finding_lines(
    result: CheckResult, max_items: int | None = 10, *, color: bool = False, indent: str = INDENT
) -> list[str]:
    """The lines shown under ``result``'s line: a count, the findings, "… and N more".

    ``max_items=None`` shows every finding. No findings: no lines.
    """
    findings = ordered(result.findings)
    if not findings:
        return []
    shown = findings if max_items is None else findings[: max(0, max_items)]
    lines = [indent + count_phrase(findings)]
    lines += [indent + finding_line(f, color) for f in shown]
    if len(shown) < len(findings):
        lines.append(indent + more_phrase(findings[len(shown) :]))
    dropped = result.details.get("findings_truncated")
    if isinstance(dropped, int) and dropped > 0:
        lines.append(indent + f"(and {dropped} more findings the check reported past the limit)")
    return lines
