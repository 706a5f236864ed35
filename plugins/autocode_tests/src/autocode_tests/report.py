"""From a ``TestPlan`` (and a pytest run) to the check's ``CheckResult``.

Each expected test file gets one status:

* ``missing``: it does not exist;
* ``found``: it exists, tests were not run (``auto_execute`` off);
* ``passing``: every case passed (some may be skipped);
* ``skipped``: it has cases and all were skipped;
* ``failing``: a case failed or errored (setup, teardown);
* ``collection_error``: pytest could not even collect it (import error, syntax error);
* ``empty``: pytest collected no case from it.

Test files whose code is gone are ``orphaned``. The result is ``error`` when
something fails or cannot be collected, ``warning`` when something is
missing, empty or orphaned, else ``success``. ``details`` holds counts per
status and kind, case totals, and one entry per test file that needs
attention (failures first, capped), with the failing test ids and a one-line
reason each.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from autocode_core import CheckResult, CheckStatus
from autocode_tests.junit import CaseOutcome
from autocode_tests.mapping import TestPlan
from autocode_tests.pytest_run import PytestRun

__all__ = ["ATTENTION", "STATUSES", "build_result", "file_status", "layout_hint"]

STATUSES = (
    "missing",
    "found",
    "passing",
    "skipped",
    "failing",
    "collection_error",
    "empty",
    "orphaned",
)
#: statuses that need attention, most urgent first
ATTENTION = ("collection_error", "failing", "missing", "empty", "orphaned")
MAX_FAILURES_PER_FILE = 10


def file_status(cases: list[CaseOutcome]) -> str:
    """The status of an existing test file from its cases (see the module docstring)."""
    outcomes = {c.outcome for c in cases}
    if "collection_error" in outcomes:
        return "collection_error"
    if outcomes & {"failed", "error"}:
        return "failing"
    if not outcomes:
        return "empty"
    if outcomes == {"skipped"}:
        return "skipped"
    return "passing"


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def build_result(
    plan: TestPlan,
    run: PytestRun | None,
    *,
    not_run_reason: str = "auto_execute is off",
    max_entries: int = 50,
) -> CheckResult:
    """The result of the check; ``run`` is ``None`` when tests were not run
    (``not_run_reason`` says why; the message says so when test files exist)."""
    by_file: dict[str, list[CaseOutcome]] = defaultdict(list)
    for case in run.cases if run else []:
        by_file[case.file].append(case)
    counts = {kind: dict.fromkeys(STATUSES, 0) for kind in ("unit", "integration")}
    entries: list[dict[str, Any]] = []
    for test in plan.expected:
        if not test.exists:
            status = "missing"
        elif run is None:
            status = "found"
        else:
            status = file_status(by_file.get(test.path, []))
        counts[test.kind][status] += 1
        if status in ATTENTION:
            entry: dict[str, Any] = {
                "test": test.path,
                "kind": test.kind,
                "status": status,
                "code": list(test.code),
            }
            bad = [
                c
                for c in by_file.get(test.path, [])
                if c.outcome in ("failed", "error", "collection_error")
            ]
            if bad:
                entry["failures"] = [
                    {"id": c.id, "reason": c.reason} for c in bad[:MAX_FAILURES_PER_FILE]
                ]
                if len(bad) > MAX_FAILURES_PER_FILE:
                    entry["more_failures"] = len(bad) - MAX_FAILURES_PER_FILE
            entries.append(entry)
    for orphan in plan.orphans:
        counts[orphan.kind]["orphaned"] += 1
        entries.append(
            {"test": orphan.path, "kind": orphan.kind, "status": "orphaned", "code": [orphan.code]}
        )
    entries.sort(key=lambda e: (ATTENTION.index(e["status"]), e["test"]))

    total = Counter[str]()
    for kind_counts in counts.values():
        total.update(kind_counts)
    details: dict[str, Any] = {
        "executed": run is not None,
        "source_roots": plan.source_roots,
        "code_files": plan.code_files,
        "code_folders": plan.code_folders,
        "expected_tests": len(plan.expected),
        "counts": counts,
        "attention": entries[:max_entries],
    }
    hint = layout_hint(plan)
    if hint:
        details["layout_hint"] = hint
    if len(entries) > max_entries:
        details["attention_truncated"] = len(entries) - max_entries
    if run is not None:
        expected = {t.path for t in plan.expected}
        outcomes = Counter(c.outcome for c in run.cases if c.file in expected)
        details["cases"] = {
            "passed": outcomes["passed"],
            "failed": outcomes["failed"],
            "errors": outcomes["error"] + outcomes["collection_error"],
            "skipped": outcomes["skipped"],
        }
        details["python"] = run.python
        details["pytest_exit_code"] = run.returncode
    else:
        details["not_run_reason"] = not_run_reason
    message = _message(total, len(plan.expected), run, not_run_reason)
    return CheckResult(status=_status(total), message=message, details=details)


def layout_hint(plan: TestPlan) -> str | None:
    """A hint when orphaned tests look like the missing ones in another place.

    Several orphans with the file names of missing unit tests usually mean the
    project lays tests out differently from ``layout.unit_test``.
    """
    missing = {t.path.rsplit("/", 1)[-1]: t.path for t in plan.expected if not t.exists}
    pairs = [
        (o.path, missing[o.path.rsplit("/", 1)[-1]])
        for o in plan.orphans
        if o.path.rsplit("/", 1)[-1] in missing
    ]
    if len(pairs) < 2 or len(pairs) * 2 < len(plan.orphans):
        return None
    orphan, wanted = pairs[0]
    return (
        f"{len(pairs)} orphaned tests have the file names of missing ones (e.g. {orphan} "
        f"where {wanted} is expected): check layout.unit_test and layout.source_roots"
    )


def _status(total: Counter[str]) -> CheckStatus:
    if total["failing"] or total["collection_error"]:
        return "error"
    if total["missing"] or total["empty"] or total["orphaned"]:
        return "warning"
    return "success"


def _message(total: Counter[str], expected: int, run: PytestRun | None, reason: str) -> str:
    problems = []
    if total["failing"]:
        problems.append(_plural(total["failing"], "test failing", "tests failing"))
    if total["collection_error"]:
        problems.append(
            _plural(
                total["collection_error"], "test cannot be collected", "tests cannot be collected"
            )
        )
    if total["missing"]:
        problems.append(_plural(total["missing"], "test missing", "tests missing"))
    if total["empty"]:
        problems.append(
            _plural(total["empty"], "test file has no tests", "test files have no tests")
        )
    if total["orphaned"]:
        problems.append(_plural(total["orphaned"], "orphaned test", "orphaned tests"))
    not_run = f" (tests not run: {reason})" if run is None and total["found"] else ""
    if problems:
        icon = "❌" if _status(total) == "error" else "⚠️"
        return f"{icon} {', '.join(problems)}{not_run}"
    if run is None:
        return f"✅ All tests found ({_plural(expected, 'test', 'tests')}; not run: {reason})"
    skipped = f", {total['skipped']} skipped" if total["skipped"] else ""
    return f"✅ All tests found and passing ({_plural(expected, 'test', 'tests')}{skipped})"
