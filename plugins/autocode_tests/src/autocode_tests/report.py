"""From a ``TestPlan`` (and a pytest run) to the check's ``CheckResult``.

Each expected test file gets one status:

* ``missing``: it does not exist;
* ``found``: it exists, tests were not run (``auto_execute`` off);
* ``passing``: every case passed (some may be skipped or expected failures);
* ``skipped``: it has cases and all were skipped (``reason``: the first skip reason);
* ``failing``: a case failed or errored (setup, teardown);
* ``collection_error``: pytest could not even collect it (import error, syntax error);
* ``not_run``: pytest collected tests from it but none ran (``reason``: the
  session stopped early, e.g. ``-x`` after a failure elsewhere, or every test
  was deselected), or never collected it (outside the project's
  ``testpaths``), as the run's probe saw it (``autocode_tests.pytest_probe``);
* ``empty``: pytest collected no case from it.

Test files whose code is gone are ``orphaned``. Test files that ran but
were expected by no code (the rest of the project's suite: ``kind``
``"other"``) are counted too, and listed when they fail. The result is
``error`` when something fails or cannot be collected, ``warning`` when
something is missing, empty or orphaned or when ``warnings`` (see
``build_result``) say the run is not to be trusted, else ``success``.
``not_run`` and ``skipped`` files alone change nothing (the failure that
stopped the run is reported); they are listed last, with their reason.
``details`` holds counts per status and kind, case totals over every file
that ran (passed, failed, errors, skipped, xfailed: as pytest counts them),
and one entry per test file that needs attention
(failures first, capped), with the failing test ids, their line and a
one-line reason each. The message counts test cases and test files
separately: ``❌ 6 tests failing in 1 file``, ``✅ All tests found and passing
(41 tests in 12 files)``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from autocode_core import CheckResult, CheckStatus
from autocode_tests.cases import CaseOutcome
from autocode_tests.mapping import TestPlan
from autocode_tests.pytest_run import Probe, PytestRun

__all__ = [
    "ATTENTION",
    "KINDS",
    "STATUSES",
    "build_result",
    "file_status",
    "layout_hint",
    "not_run_reason",
]

STATUSES = (
    "missing",
    "found",
    "passing",
    "skipped",
    "failing",
    "collection_error",
    "not_run",
    "empty",
    "orphaned",
)
KINDS = ("unit", "integration", "other")
#: statuses that need attention, most urgent first
ATTENTION = ("collection_error", "failing", "missing", "empty", "orphaned", "not_run", "skipped")
MAX_FAILURES_PER_FILE = 10
#: warnings (``build_result``) that make a result at least a ``warning``
TRUST_WARNINGS = ("foreign_import",)


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


def not_run_reason(path: str, probe: Probe | None) -> str | None:
    """Why no test of ``path`` ran; ``None`` when pytest collected it and found no tests in it."""
    collected = probe.collected.get(path, 0) if probe else 0
    if not collected:
        if probe is not None and probe.visited is not None and path not in probe.visited:
            return "not collected by the project's pytest configuration (testpaths, python_files)"
        return None
    deselected = probe.deselected.get(path, 0) if probe else 0
    if deselected >= collected:
        return f"deselected ({_plural(collected, 'test', 'tests')})"
    if probe is not None and probe.stopped:
        return f"stopped early: {probe.stopped}"
    return "not run"


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _status_of(path: str, cases: list[CaseOutcome], run: PytestRun) -> tuple[str, str | None]:
    status = file_status(cases)
    if status == "skipped":
        return status, f"skipped: {cases[0].reason}" if cases[0].reason else "skipped"
    if status == "empty":
        reason = not_run_reason(path, run.probe)
        if reason is not None:
            return "not_run", reason
    return status, None


def _entry(
    path: str, kind: str, status: str, code: list[str], cases: list[CaseOutcome]
) -> dict[str, Any]:
    entry: dict[str, Any] = {"test": path, "kind": kind, "status": status, "code": code}
    bad = [c for c in cases if c.outcome in ("failed", "error", "collection_error")]
    if bad:
        failures = []
        for c in bad[:MAX_FAILURES_PER_FILE]:
            failure: dict[str, Any] = {"id": c.id, "reason": c.reason}
            if c.line is not None:
                failure["line"] = c.line
            failures.append(failure)
        entry["failures"] = failures
        if len(bad) > MAX_FAILURES_PER_FILE:
            entry["more_failures"] = len(bad) - MAX_FAILURES_PER_FILE
    return entry


def build_result(
    plan: TestPlan,
    run: PytestRun | None,
    *,
    not_run_reason: str = "auto_execute is off",
    max_entries: int = 50,
    warnings: list[dict[str, str]] | None = None,
) -> CheckResult:
    """The result of the check; ``run`` is ``None`` when tests were not run
    (``not_run_reason`` says why; the message says so when test files exist).

    :param warnings: ``{"kind", "message"}`` facts about the run (the
        interpreter fallback, code imported from outside the checkout), kept
        in ``details["warnings"]``; a kind in ``TRUST_WARNINGS`` makes the
        result at least a ``warning`` and goes into the message.
    """
    by_file: dict[str, list[CaseOutcome]] = defaultdict(list)
    for case in run.cases if run else []:
        by_file[case.file].append(case)
    counts = {kind: dict.fromkeys(STATUSES, 0) for kind in KINDS}
    entries: list[dict[str, Any]] = []
    failing_cases = 0
    for test in plan.expected:
        reason = None
        if not test.exists:
            status = "missing"
        elif run is None:
            status = "found"
        else:
            status, reason = _status_of(test.path, by_file.get(test.path, []), run)
        counts[test.kind][status] += 1
        if status in ATTENTION:
            entry = _entry(
                test.path, test.kind, status, list(test.code), by_file.get(test.path, [])
            )
            if reason:
                entry["reason"] = reason
            entries.append(entry)
    if run is not None:
        expected = {t.path for t in plan.expected}
        others = (set(by_file) | set(run.probe.collected if run.probe else {})) - expected
        for path in sorted(p for p in others if p):
            status, reason = _status_of(path, by_file.get(path, []), run)
            if status == "empty":
                continue
            counts["other"][status] += 1
            if status in ("failing", "collection_error", "not_run", "skipped"):
                entry = _entry(path, "other", status, [], by_file.get(path, []))
                if reason:
                    entry["reason"] = reason
                entries.append(entry)
        failing_cases = sum(c.outcome in ("failed", "error") for c in run.cases)
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
    if warnings:
        details["warnings"] = list(warnings)
    distrust = [w["message"] for w in warnings or [] if w.get("kind") in TRUST_WARNINGS]
    if run is not None:
        outcomes = Counter(c.outcome for c in run.cases)
        details["cases"] = {
            "passed": outcomes["passed"],
            "failed": outcomes["failed"],
            "errors": outcomes["error"] + outcomes["collection_error"],
            "skipped": outcomes["skipped"],
            "xfailed": outcomes["xfailed"],
        }
        details["test_files_run"] = len(by_file)
        details["python"] = run.python
        details["pytest_exit_code"] = run.returncode
        if run.probe is not None and run.probe.stopped:
            details["stopped_early"] = run.probe.stopped
    else:
        details["not_run_reason"] = not_run_reason
    verdict: CheckStatus = _status(total)
    if distrust and verdict == "success":
        verdict = "warning"
    message = _message(total, failing_cases, len(plan.expected), run, not_run_reason, distrust)
    return CheckResult(status=verdict, message=message, details=details)


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


def _files(n: int) -> str:
    return _plural(n, "file", "files")


def _message(
    total: Counter[str],
    failing_cases: int,
    expected: int,
    run: PytestRun | None,
    reason: str,
    distrust: list[str],
) -> str:
    problems = []
    if total["failing"]:
        problems.append(
            f"{_plural(failing_cases, 'test', 'tests')} failing in {_files(total['failing'])}"
        )
    if total["collection_error"]:
        problems.append(
            _plural(
                total["collection_error"],
                "test file cannot be collected",
                "test files cannot be collected",
            )
        )
    if total["missing"]:
        problems.append(_plural(total["missing"], "test file missing", "test files missing"))
    if total["empty"]:
        problems.append(
            _plural(total["empty"], "test file has no tests", "test files have no tests")
        )
    if total["orphaned"]:
        problems.append(_plural(total["orphaned"], "orphaned test file", "orphaned test files"))
    if total["not_run"] and problems:
        problems.append(_plural(total["not_run"], "test file not run", "test files not run"))
    problems.extend(distrust)
    not_run = f" (tests not run: {reason})" if run is None and total["found"] else ""
    if problems:
        icon = "❌" if _status(total) == "error" else "⚠️"
        return f"{icon} {', '.join(problems)}{not_run}"
    if run is None:
        return f"✅ All test files found ({_files(expected)}; not run: {reason})"
    ran = len({c.file for c in run.cases})
    skipped = sum(c.outcome == "skipped" for c in run.cases)
    extra = f", {skipped} skipped" if skipped else ""
    if total["not_run"]:
        extra += f", {_plural(total['not_run'], 'file', 'files')} not run"
    tests = _plural(len(run.cases), "test", "tests")
    return f"✅ All tests found and passing ({tests} in {_files(ran)}{extra})"
