"""The boundary every result crosses: valid text, JSON details, a size cap."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

from autocode_core import CheckResult
from autocode_core.run.outcome import (
    MAX_DETAILS_BYTES,
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
