"""What changed between two results of a check, generically (``autocode watch`` prints it).

Compares status, findings and message, whatever the check: a test that
started failing is a new ``failing_test`` finding, a doc that became
outdated a new ``outdated_doc`` finding, tokens over the threshold a status
moving to ``warning``. Findings are the same finding when their kind, id,
path and message agree (line numbers move with edits and are not compared).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autocode_core.models import CheckResult, Finding

__all__ = ["ResultChange", "result_change"]

#: findings named in a one-line summary before "+N more"
SUMMARY_FINDINGS = 3


def _key(finding: Finding) -> tuple[str | None, str | None, str | None, str]:
    return (finding.kind, finding.id, finding.path, finding.message)


def _name(finding: Finding) -> str:
    where = finding.id or finding.path
    return f"{finding.kind or finding.severity} {where}" if where else finding.message


@dataclass(frozen=True)
class ResultChange:
    """The difference from ``previous`` (``None``: the check's first result) to a result."""

    previous_status: str | None
    status: str
    new_findings: list[Finding] = field(default_factory=list)
    resolved_findings: list[Finding] = field(default_factory=list)
    message_changed: bool = False

    @property
    def status_changed(self) -> bool:
        """True when the status moved (or this is the first result)."""
        return self.previous_status != self.status

    def summary(self) -> str:
        """One line in words: ``now failing (success → error); new: failing_test t::a``."""
        parts: list[str] = []
        if self.previous_status is None:
            parts.append("first result")
        elif self.status_changed:
            if self.status == "success":
                verb = "now passes"
            elif _rank(self.status) > _rank(self.previous_status):
                verb = "now failing" if self.status == "error" else "now warns"
            else:
                verb = "improved"
            parts.append(f"{verb} ({self.previous_status} → {self.status})")
        for label, found in (("new", self.new_findings), ("resolved", self.resolved_findings)):
            if found:
                names = ", ".join(_name(f) for f in found[:SUMMARY_FINDINGS])
                more = f" +{len(found) - SUMMARY_FINDINGS} more" if len(found) > SUMMARY_FINDINGS else ""
                parts.append(f"{label}: {names}{more}")
        if not parts:
            parts.append("message changed" if self.message_changed else "no change")
        return "; ".join(parts)

    def as_json(self) -> dict[str, Any]:
        """The change as JSON-ready data (``autocode watch --format json``)."""
        return {
            "previous_status": self.previous_status,
            "status": self.status,
            "status_changed": self.status_changed,
            "new_findings": [f.model_dump(mode="json") for f in self.new_findings],
            "resolved_findings": [f.model_dump(mode="json") for f in self.resolved_findings],
            "message_changed": self.message_changed,
            "summary": self.summary(),
        }


def _rank(status: str) -> int:
    return {"success": 0, "warning": 1, "error": 2}.get(status, 2)


def result_change(previous: CheckResult | None, current: CheckResult) -> ResultChange:
    """What changed from ``previous`` to ``current`` (two results of the same check)."""
    if previous is None:
        return ResultChange(None, current.status, list(current.findings))
    before = {_key(f): f for f in previous.findings}
    after = {_key(f): f for f in current.findings}
    return ResultChange(
        previous.status, current.status,
        new_findings=[f for k, f in after.items() if k not in before],
        resolved_findings=[f for k, f in before.items() if k not in after],
        message_changed=previous.message != current.message,
    )
