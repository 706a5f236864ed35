"""One outcome per test case, as the probe plugin recorded it in the pytest run.

``autocode_tests.pytest_probe`` keeps, for every test that reported, its
node id, the worst outcome of its phases, a one-line reason and the line of
a failure (see its docstring); modules that failed to be collected are
cases of their own (``collection_error``, node id = path). The file of a
case is the path part of its node id: the test file that collected it
(project-relative, since pytest runs with ``--rootdir`` at the project root),
also for a test inherited from another file.

An expected failure (``xfail``) is ``xfailed``, as pytest counts it, not
``skipped``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

__all__ = ["OUTCOMES", "CaseOutcome", "Outcome", "read_cases"]

Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "collection_error"]
OUTCOMES: frozenset[str] = frozenset(
    {"passed", "failed", "error", "skipped", "xfailed", "collection_error"}
)


@dataclass(frozen=True)
class CaseOutcome:
    """One test case: its file (project-relative), node id, outcome, a one-line reason, a line."""

    file: str
    id: str
    outcome: Outcome
    reason: str = ""
    line: int | None = None


def read_cases(records: Any) -> list[CaseOutcome] | None:
    """The probe's ``cases`` (``[node id, outcome, reason, line]`` each) as outcomes.

    :return: ``None`` when ``records`` is not a list; records that do not
        have that shape are left out.
    """
    if not isinstance(records, list):
        return None
    cases = []
    for record in records:
        if not (isinstance(record, list) and len(record) == 4):
            continue
        node_id, outcome, reason, line = record
        if not isinstance(node_id, str) or outcome not in OUTCOMES:
            continue
        cases.append(
            CaseOutcome(
                node_id.split("::", 1)[0],
                node_id,
                cast(Outcome, outcome),
                str(reason or ""),
                line if isinstance(line, int) and not isinstance(line, bool) else None,
            )
        )
    return cases
