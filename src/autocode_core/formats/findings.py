"""Ordering, counting and cutting findings: the rules every view shares.

Counts say what they count: a finding's ``kind`` names it (``failing_test``
-> "failing tests"), a finding without a kind is named by its severity
("errors", "warnings", "notes"), and when several findings of one kind share
fewer files, the files are counted too: "6 failing tests in 1 file".

A finding of kind ``not_listed`` stands for ``data["count"]`` problems the
check found but did not list (its details are capped): counts end with
"+221 not listed" instead of counting it as one finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autocode_core.models import Finding

__all__ = [
    "NOT_LISTED",
    "SEVERITY_ORDER",
    "count_phrase",
    "kind_noun",
    "more_phrase",
    "not_listed",
    "ordered",
    "plural",
]

NOT_LISTED = "not_listed"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_NOUNS = {"error": "error", "warning": "warning", "info": "note"}


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 file"``, ``"2 files"`` (``plural_form`` for irregular nouns)."""
    return f"{n} {singular if n == 1 else (plural_form or singular + 's')}"


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; the plugin's order within each."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))


def kind_noun(finding: Finding) -> str:
    """What one finding is called in counts: its kind in words, else its severity."""
    if finding.kind:
        return finding.kind.replace("_", " ")
    return _SEVERITY_NOUNS.get(finding.severity, "finding")


def not_listed(findings: Iterable[Finding]) -> int:
    """How many problems the ``not_listed`` findings stand for."""
    total = 0
    for finding in findings:
        if finding.kind == NOT_LISTED:
            count = finding.data.get("count")
            total += count if isinstance(count, int) and count > 0 else 1
    return total


def count_phrase(findings: Sequence[Finding]) -> str:
    """``"6 failing tests in 1 file, 2 missing tests"`` (kinds in order of appearance)."""
    groups: dict[str, list[Finding]] = {}
    for finding in ordered(findings):
        if finding.kind != NOT_LISTED:
            groups.setdefault(kind_noun(finding), []).append(finding)
    parts = []
    for noun, group in groups.items():
        text = plural(len(group), noun)
        files = {f.path for f in group if f.path}
        if files and len(files) < len(group) and all(f.path for f in group):
            text += " in " + plural(len(files), "file")
        parts.append(text)
    hidden = not_listed(findings)
    if hidden:
        parts.append(f"+{hidden} not listed")
    return ", ".join(parts)


def more_phrase(hidden: Sequence[Finding]) -> str:
    """``"… and 12 more (8 missing tests, 4 orphaned tests)"``."""
    listed = [f for f in hidden if f.kind != NOT_LISTED]
    if not listed:
        return f"… and {count_phrase(hidden)}"
    return f"… and {len(listed)} more ({count_phrase(hidden)})"
