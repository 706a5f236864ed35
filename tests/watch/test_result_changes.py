"""``result_change``: what changed between two results of a check, in words and as JSON."""

from __future__ import annotations

from autocode_core.models import CheckResult, Finding
from autocode_core.watch.result_changes import result_change


def _result(status: str, *findings: Finding, message: str = "m") -> CheckResult:
    return CheckResult(status=status, message=message, findings=list(findings))


FAILING = Finding(message="assert 1 == 2", severity="error", kind="failing_test", id="tests/test_a.py::test_x", line=3)


def test_the_first_result_says_so() -> None:
    assert result_change(None, _result("success")).summary() == "first result"


def test_a_test_that_started_failing() -> None:
    change = result_change(_result("success"), _result("error", FAILING))
    assert change.status_changed
    assert change.summary() == "now failing (success → error); new: failing_test tests/test_a.py::test_x"


def test_a_fixed_test_is_resolved_and_lines_moving_is_no_change() -> None:
    moved = FAILING.model_copy(update={"line": 9})
    assert result_change(_result("error", FAILING), _result("error", moved)).summary() == "no change"
    change = result_change(_result("error", FAILING), _result("success"))
    assert change.summary().startswith("now passes (error → success); resolved: failing_test")


def test_a_warning_and_a_changed_message() -> None:
    assert result_change(_result("success"), _result("warning")).summary() == "now warns (success → warning)"
    assert result_change(_result("success", message="a"), _result("success", message="b")).summary() == "message changed"


def test_many_findings_are_summarised_and_all_listed_in_json() -> None:
    many = [Finding(message=f"doc {i} outdated", kind="outdated_doc", path=f"docs/{i}.md") for i in range(5)]
    change = result_change(_result("warning"), _result("warning", *many))
    assert change.summary().endswith("+2 more")
    data = change.as_json()
    assert len(data["new_findings"]) == 5 and data["status_changed"] is False
