"""``autocode check --format github``: GitHub Actions workflow commands (annotations).

Each error or warning finding becomes ``::error`` / ``::warning`` with
``file=`` and ``line=`` when it has them (GitHub then shows it on that line of
the pull request), and a ``title`` naming the check and the finding's kind.
A check that is not ``success`` but has no such finding gets one annotation
with its message, without a file. Notes (``info`` findings, such as changed
files) are left out: they are not problems. Every check's one-line result is
printed too, as plain log text.

GitHub shows at most 10 error and 10 warning annotations per step; the log
keeps every line.
"""

from __future__ import annotations

from collections.abc import Sequence

from autocode_core.formats.findings import ordered
from autocode_core.formats.text import result_line
from autocode_core.models import CheckResult

__all__ = ["escape_data", "escape_property", "results_github"]

_LEVELS = {"error": "error", "warning": "warning"}


def escape_data(text: str) -> str:
    """A command's message, escaped as the runner expects (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value, escaped (``%``, CR, LF, ``:``, ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{level} {props}::{escape_data(message)}" if props else f"::{level}::{escape_data(message)}"


def results_github(results: Sequence[CheckResult]) -> str:
    """The workflow commands and log lines for ``results``."""
    lines = []
    for result in results:
        lines.append(result_line(result))
        problems = [f for f in ordered(result.findings) if f.severity in _LEVELS]
        if result.status == "success":
            problems = []
        for finding in problems:
            title = f"{result.check_name}: {(finding.kind or finding.severity).replace('_', ' ')}"
            lines.append(_command(
                _LEVELS[finding.severity], finding.message, file=finding.path, line=finding.line, title=title,
            ))
        if result.status != "success" and not problems:
            level = "error" if result.status == "error" else "warning"
            lines.append(_command(level, result.message, title=result.check_name))
    return "\n".join(lines)
