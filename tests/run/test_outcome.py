"""Turning whatever a run produced into a ``CheckResult``, and the boundary every result
crosses: valid text, JSON details, a size cap."""

from __future__ import annotations

import json
import math
import typing
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog

from autocode_core import CheckResult
from autocode_core.run.outcome import (
    CANNOT_RUN,
    MAX_DETAILS_BYTES,
    FailureKind,
    could_not_run,
    error_result,
    result_from_value,
    sanitize_result,
)


def result(**details) -> CheckResult:
    return CheckResult(check_name="c", status="success", message="fine", details=details)


def test_lone_surrogates_become_replacement_characters() -> None:
    bad = CheckResult(check_name="c", status="warning", message="odd \udc80 text", details={"k": "x\ud800"})
    clean = sanitize_result(bad, "p (dist 1)", "p")
    assert clean.message == "odd \ufffd text" and clean.details["k"] == "x\ufffd"
    json.dumps(clean.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")  # no error


def test_dates_paths_and_non_finite_floats_are_made_json() -> None:
    when = datetime(2026, 1, 2, tzinfo=UTC)
    clean = sanitize_result(result(when=when, path=Path("a/b"), ratio=math.nan, n=[1, (2, 3)]), "p", "p")
    assert clean.details == {"when": when.isoformat(), "path": "a/b", "ratio": None, "n": [1, [2, 3]]}


def test_a_non_json_value_is_an_error_naming_the_key() -> None:
    clean = sanitize_result(result(files=[{"handle": object()}]), "p (dist 1)", "p")
    assert clean.status == "error" and clean.details["failure"] == "invalid_result"
    assert "details['files'][0]['handle'] holds a object" in clean.message
    assert could_not_run(clean)


def test_details_over_the_cap_are_refused_never_kept() -> None:
    clean = sanitize_result(result(blob="x" * (MAX_DETAILS_BYTES + 1)), "p (dist 1)", "p")
    assert clean.status == "error" and "over the 1,048,576-byte cap" in clean.message
    assert "blob" not in clean.details and clean.details["details_bytes"] > MAX_DETAILS_BYTES


def test_values_that_are_not_results_and_core_errors() -> None:
    wrong = result_from_value("c", "p (d 1)", "p", {"status": "success"})
    assert wrong.details["failure"] == "invalid_result" and "returned dict" in wrong.message
    made = error_result("c", "boom", "crashed", plugin="p")
    assert made.message == "❌ boom" and made.details == {"plugin": "p", "failure": "crashed"}
    assert could_not_run(made) and not could_not_run(result())


def test_an_error_result_says_why_and_names_the_plugin() -> None:
    result = error_result("c", "plugin p raised", "exception", plugin="p", traceback="tb")
    assert (result.check_name, result.status, result.message) == (
        "c",
        "error",
        "❌ plugin p raised",
    )
    assert result.details == {"failure": "exception", "plugin": "p", "traceback": "tb"}
    assert result.timestamp is not None and result.timestamp.tzinfo is not None
    assert result.duration_seconds == 0.0
    assert error_result("c", "❌ already marked", "timeout").message == "❌ already marked"


def test_every_failure_kind_means_the_check_could_not_run() -> None:
    assert set(typing.get_args(FailureKind)) == CANNOT_RUN
    for kind in CANNOT_RUN:
        assert could_not_run(error_result("c", "x", kind))


@pytest.mark.parametrize(
    "result",
    [
        CheckResult(status="error", message="❌ 3 tests failed"),  # the check ran and found errors
        CheckResult(status="error", message="x", details={"failure": "assertion"}),
        CheckResult(status="warning", message="x", details={"failure": "timeout"}),
        CheckResult(status="success", message="ok"),
    ],
)
def test_a_checks_own_verdict_is_not_a_failure_to_run(result) -> None:
    assert not could_not_run(result)


def test_a_checkresult_is_taken_as_it_is() -> None:
    mine = CheckResult(status="warning", message="⚠️ 2")
    assert result_from_value("c", "p (dist 1.0)", "p", mine) is mine


def test_a_result_for_another_check_is_kept_and_logged() -> None:
    other = CheckResult(check_name="other", status="success", message="ok")
    with structlog.testing.capture_logs() as logs:
        assert result_from_value("c", "p", "p", other) is other
    assert [(e["event"], e["returned"], e["check"]) for e in logs] == [
        ("check_name_mismatch", "other", "c")
    ]


def test_anything_else_is_an_invalid_result_with_a_short_repr() -> None:
    result = result_from_value("c", "p (dist 1.0)", "p", {"status": "success"})
    assert result.details == {"failure": "invalid_result", "plugin": "p"}
    assert result.message == (
        "❌ plugin p (dist 1.0) returned dict, expected CheckResult: {'status': 'success'}"
    )
    long = result_from_value("c", "p", "p", "x" * 1000)
    shown = long.message.split("expected CheckResult: ")[1]
    assert len(shown) == 201 and shown.endswith("…")
    assert could_not_run(result_from_value("c", "p", "p", None))
