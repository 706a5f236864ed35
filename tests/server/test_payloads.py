"""Shaping results for polling and events."""

from __future__ import annotations

import json
from pathlib import Path

from autocode_core import CheckResult
from autocode_core.server.payloads import ApiJSONResponse, compact_details, compact_result


def test_compact_details_keep_figures_and_drop_lists_and_long_text() -> None:
    details = {
        "counts": {"unit": {"passing": 3, "failing": 1}, "integration": {"passing": 0}},
        "tokens": {"total": 10, "threshold": 5, "top_files": [{"file": "a", "tokens": 9}]},
        "entries": [{"doc_path": "a.md"}],
        "diff": "x" * 1000,
        "branch": "main",
        "executed": True,
        "ratio": float("nan"),
        "deep": {"a": {"b": {"c": 1}}},
    }
    assert compact_details(details) == {
        "counts": {"unit": {"passing": 3, "failing": 1}, "integration": {"passing": 0}},
        "tokens": {"total": 10, "threshold": 5},
        "branch": "main",
        "executed": True,
        "ratio": None,
    }  # three levels deep is too deep for a summary


def test_compact_result_shortens_a_long_message() -> None:
    result = CheckResult(
        check_name="c", status="error", message="m" * 2000, details={"trace": "t" * 500}
    )
    compact = compact_result(result)
    assert compact is not None
    assert len(compact["message"]) == 501 and compact["summary"] == {}
    assert compact_result(None) is None


def test_json_responses_survive_nan_and_odd_types() -> None:
    body = json.loads(
        ApiJSONResponse({"a": float("inf"), "b": [float("nan")], "c": Path("x")}).body
    )
    assert body == {"a": None, "b": [None], "c": "x"}


def test_compact_result_carries_the_first_findings_worst_first_and_the_end_of_a_traceback() -> (
    None
):
    from autocode_core import Finding
    from autocode_core.server.payloads import MAX_FINDINGS, MAX_TRACEBACK

    findings = [Finding(message=f"note {i}", severity="info") for i in range(30)]
    findings.append(
        Finding(
            message="tests/t.py::test_a: assert 1 == 2\n" + "x" * 600,
            severity="error",
            kind="failing_test",
            id="tests/t.py::test_a",
            data={"code": ["src/a.py"], "uncommitted_changes": True, "blob": ["x"] * 50},
        )
    )
    trace = "Traceback\n" + "frame\n" * 2000
    result = CheckResult(
        check_name="c", status="error", message="m", details={"traceback": trace}, findings=findings
    )
    compact = compact_result(result)
    assert compact is not None
    assert compact["findings_total"] == 31
    assert len(compact["findings"]) == MAX_FINDINGS
    first = compact["findings"][0]
    assert first["severity"] == "error" and first["id"] == "tests/t.py::test_a"
    assert first["message"].endswith("…") and len(first["message"]) == 501
    assert first["data"] == {"code": ["src/a.py"], "uncommitted_changes": True}
    assert compact["traceback"] == trace[-MAX_TRACEBACK:]
    assert compact_result(result) is compact  # frozen results are compacted once
    assert compact_result(result.model_copy(update={"message": "n"})) is not compact
