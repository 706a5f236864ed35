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
