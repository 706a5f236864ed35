"""The ``CheckResult`` built from document states."""

from __future__ import annotations

import json

from autocode_docs.freshness import DocState
from autocode_docs.report import build_result

OK = DocState("docs/a.md", "a.py", "file", "up_to_date", 0)
OLD = DocState("docs/b.md", "b.py", "file", "outdated", 3, True)
GONE = DocState("docs/c.md", "c.py", "file", "orphaned")


def test_success():
    result = build_result([OK], {}, history_mode="git", history_note=None, max_entries=10)
    assert result.status == "success" and result.message == "✅ All documentation is up to date!"
    assert result.details["counts"] == {
        "up_to_date": 1,
        "outdated": 0,
        "missing": 0,
        "orphaned": 0,
        "unknown": 0,
        "topic": 0,
        "collisions": 0,
    }


def test_warning_counts_collisions_and_stays_serializable():
    result = build_result(
        [OK, OLD, GONE],
        {"docs/x.md": ["x.js", "x.py"]},
        history_mode="git",
        history_note=None,
        max_entries=1,
        extra={"index": {"written": False}},
    )
    assert result.status == "warning" and result.message == "⚠️ 3 documents need attention"
    assert result.details["entries"] == [OLD.as_dict()] and result.details["entries_truncated"] == 1
    assert result.details["index"] == {"written": False}
    json.dumps(result.details)


def test_single_document_and_mtime_note():
    result = build_result(
        [GONE], {}, history_mode="mtime", history_note="not a git repository", max_entries=5
    )
    assert (
        result.message
        == "⚠️ 1 document needs attention (by file modification times: not a git repository)"
    )
    assert result.details["history_note"] == "not a git repository"
