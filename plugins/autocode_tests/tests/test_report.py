"""Building the check's result: statuses, message, details."""

from __future__ import annotations

import json

import pytest
from autocode_tests.cases import CaseOutcome
from autocode_tests.mapping import ExpectedTest, Orphan, TestPlan
from autocode_tests.pytest_run import PytestRun
from autocode_tests.report import build_result, file_status


def _plan(*tests: ExpectedTest, orphans: tuple[Orphan, ...] = ()) -> TestPlan:
    return TestPlan(["."], list(tests), list(orphans), code_files=len(tests), code_folders=0)


def _unit(path: str, exists: bool = True) -> ExpectedTest:
    return ExpectedTest(path, "unit", (path.replace("tests/test_", ""),), exists)


def _run(*cases: CaseOutcome) -> PytestRun:
    return PytestRun(list(cases), 0, "/usr/bin/python3")


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        (["passed", "skipped"], "passing"),
        (["skipped"], "skipped"),
        ([], "empty"),
        (["passed", "failed"], "failing"),
        (["passed", "error"], "failing"),
        (["collection_error"], "collection_error"),
    ],
)
def test_file_status(outcomes: list[str], status: str) -> None:
    cases = [
        CaseOutcome("tests/test_a.py", f"tests/test_a.py::t{i}", o) for i, o in enumerate(outcomes)
    ]
    assert file_status(cases) == status


def test_all_passing_is_success_with_the_seed_message() -> None:
    plan = _plan(_unit("tests/test_a.py"), _unit("tests/test_b.py"))
    run = _run(
        CaseOutcome("tests/test_a.py", "tests/test_a.py::t", "passed"),
        CaseOutcome("tests/test_b.py", "tests/test_b.py::t", "passed"),
        CaseOutcome("tests/test_b.py", "tests/test_b.py::s", "skipped"),
    )
    result = build_result(plan, run)
    assert result.status == "success"
    assert result.message == "✅ All tests found and passing (3 tests in 2 files, 1 skipped)"
    assert result.details["cases"] == {"passed": 2, "failed": 0, "errors": 0, "skipped": 1, "xfailed": 0}
    assert result.details["counts"]["unit"]["passing"] == 2
    assert result.details["attention"] == []
    json.dumps(result.details)


def test_missing_and_orphans_are_a_warning() -> None:
    plan = _plan(
        _unit("tests/test_a.py", exists=False),
        _unit("tests/test_b.py", exists=False),
        orphans=(Orphan("tests/test_gone.py", "unit", "gone.py"),),
    )
    result = build_result(plan, None, not_run_reason="no test files to run")
    assert result.status == "warning"
    assert result.message == "⚠️ 2 test files missing, 1 orphaned test file"
    assert [(e["test"], e["status"]) for e in result.details["attention"]] == [
        ("tests/test_a.py", "missing"),
        ("tests/test_b.py", "missing"),
        ("tests/test_gone.py", "orphaned"),
    ]
    assert result.details["executed"] is False


def test_failures_are_an_error_listed_first_with_ids_and_reasons() -> None:
    plan = _plan(
        _unit("tests/test_a.py", exists=False), _unit("tests/test_b.py"), _unit("tests/test_c.py")
    )
    run = _run(
        CaseOutcome("tests/test_b.py", "tests/test_b.py::t1", "failed", "AssertionError: no"),
        CaseOutcome("tests/test_b.py", "tests/test_b.py::t2", "passed"),
        CaseOutcome("tests/test_c.py", "tests/test_c.py", "collection_error", "SyntaxError: bad"),
    )
    result = build_result(plan, run)
    assert result.status == "error"
    assert result.message == "❌ 1 test failing in 1 file, 1 test file cannot be collected, 1 test file missing"
    attention = result.details["attention"]
    assert [e["status"] for e in attention] == ["collection_error", "failing", "missing"]
    assert attention[1]["failures"] == [
        {"id": "tests/test_b.py::t1", "reason": "AssertionError: no"}
    ]


def test_without_execution_the_result_says_tests_were_not_run() -> None:
    plan = _plan(_unit("tests/test_a.py"), _unit("tests/test_b.py", exists=False))
    result = build_result(plan, None)
    assert result.status == "warning"
    assert result.message == "⚠️ 1 test file missing (tests not run: auto_execute is off)"
    assert result.details["counts"]["unit"]["found"] == 1
    assert result.details["not_run_reason"] == "auto_execute is off"

    result = build_result(_plan(_unit("tests/test_a.py")), None)
    assert result.status == "success"
    assert result.message == "✅ All test files found (1 file; not run: auto_execute is off)"


def test_details_stay_small() -> None:
    plan = _plan(*(_unit(f"tests/test_{i:03}.py") for i in range(200)))
    cases = [
        CaseOutcome("tests/test_000.py", f"tests/test_000.py::t{i}", "failed", "x")
        for i in range(30)
    ]
    cases += [
        CaseOutcome(f"tests/test_{i:03}.py", f"tests/test_{i:03}.py::t", "failed")
        for i in range(1, 200)
    ]
    result = build_result(plan, _run(*cases), max_entries=20)
    assert result.message == "❌ 229 tests failing in 200 files"
    assert len(result.details["attention"]) == 20
    assert result.details["attention_truncated"] == 180
    first = result.details["attention"][0]
    assert len(first["failures"]) == 10 and first["more_failures"] == 20
    assert len(json.dumps(result.details)) < 10_000


def test_a_layout_hint_when_orphans_look_like_the_missing_tests() -> None:
    plan = _plan(
        _unit("tests/pkg/test_a.py", exists=False),
        _unit("tests/pkg/test_b.py", exists=False),
        orphans=(
            Orphan("tests/test_a.py", "unit", "a.py"),
            Orphan("tests/test_b.py", "unit", "b.py"),
            Orphan("tests/test_zzz.py", "unit", "zzz.py"),
        ),
    )
    hint = build_result(plan, None).details["layout_hint"]
    assert hint.startswith("2 orphaned tests have the file names of missing ones")
    assert "tests/test_a.py where tests/pkg/test_a.py is expected" in hint

    lone = _plan(
        _unit("tests/pkg/test_a.py", exists=False),
        orphans=(Orphan("tests/test_a.py", "unit", "a.py"),),
    )
    assert "layout_hint" not in build_result(lone, None).details
