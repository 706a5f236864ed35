"""The answers' texts: verdict lines, counts that say what they count, explicit cuts."""

from __future__ import annotations

from datetime import timedelta

from autocode_core.mcp.answers import details_text, list_checks_text, run_text, status_text, verdict
from autocode_core.mcp.budget import TokenMeter
from autocode_core.mcp.sources import CheckView
from autocode_core.models import CheckResult, Finding, utc_now

METER = TokenMeter()


def _result(status="error", n=3, **kw) -> CheckResult:
    found = [Finding(message=f"tests/test_a.py::test_{i}: boom", severity="error", path="tests/test_a.py",
                     kind="failing_test", id=f"tests/test_a.py::test_{i}") for i in range(n)]
    return CheckResult(check_name="test_check", status=status, message=f"❌ {n} tests failing", findings=found,
                       timestamp=utc_now() - timedelta(minutes=2), duration_seconds=1.0, **kw)


def test_verdict_says_how_old() -> None:
    assert verdict(_result()) == "❌ test_check: 3 tests failing (2 min ago)"


def test_status_puts_the_worst_first_and_counts_findings() -> None:
    ok = CheckResult(check_name="git_check", status="success", message="✅ No changes detected",
                     timestamp=utc_now())
    views = [CheckView("git_check", "", True, False, ok), CheckView("test_check", "", True, True, _result()),
             CheckView("doc_check", "", False, False, None)]
    lines = status_text(views, "here", METER).splitlines()
    assert lines[0] == "autocode: 1 error, 1 success (answers from here)"
    assert lines[1] == "❌ test_check: 3 tests failing (2 min ago) — 3 failing tests in 1 file [running now]"
    assert lines[3] == "· doc_check: never run"
    listing = list_checks_text(views, "here", METER)
    assert "- doc_check [disabled]: no description; never run" in listing


def test_run_and_details_list_findings_and_say_what_was_left_out() -> None:
    run = run_text(_result(n=12), METER).splitlines()
    assert run[0] == "❌ test_check: 12 tests failing (1.00s)"
    assert run[1] == "12 failing tests in 1 file:"
    assert run[-1] == ("… and 2 more (2 failing tests in 1 file); max_items=10; "
                       "call check_details(name, max_items=…) for more")
    details = details_text(CheckView("test_check", "", True, True, _result(n=2)), 20, METER).splitlines()
    assert details[-1] == "(running now: this is the previous result)"
    assert details_text(CheckView("x", "", True, False, None), 5, METER) == "x has never run: call run_check('x')."
