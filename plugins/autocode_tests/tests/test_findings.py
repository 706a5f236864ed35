"""Findings of ``test_check``: from a real run on a generated project, and from stored details."""

from __future__ import annotations

from autocode_tests.findings import findings_from_details
from autocode_tests.plugin import TestCheckPlugin

PROJECT = {
    "app/__init__.py": "",
    "app/good.py": "",
    "app/bad.py": "",
    "app/broken.py": "",
    "app/untested.py": "",
    "tests/app/test_good.py": "def test_ok():\n    pass\n",
    "tests/app/test_bad.py": (
        "def test_one():\n    assert 1 == 2, 'one is not two'\n\n"
        "def test_two():\n    raise ValueError('boom')\n"
    ),
    "tests/app/test_broken.py": "def test_syntax(:\n",
    "tests/app/test_removed.py": "def test_old():\n    pass\n",
    "tests/app/test_empty_one.py": "",
    "app/empty_one.py": "",
}


def test_a_real_run_lists_each_problem_once(autocode, make_project) -> None:
    root = make_project(PROJECT)
    autocode.register(TestCheckPlugin)
    result = autocode.run_check(
        "test_check", root, settings={"layout": {"integration_test": ""}}
    )
    by_kind: dict[str, list] = {}
    for finding in result.findings:
        by_kind.setdefault(finding.kind, []).append(finding)
    assert sorted(by_kind) == [
        "collection_error", "empty_test_file", "failing_test", "interpreter_fallback",
        "missing_test", "orphaned_test",
    ]  # the generated project has no environment of its own: autocode's interpreter runs it
    failing = by_kind["failing_test"]
    assert [f.id for f in failing] == [
        "tests/app/test_bad.py::test_one", "tests/app/test_bad.py::test_two"
    ]
    assert all(f.severity == "error" and f.path == "tests/app/test_bad.py" for f in failing)
    assert "one is not two" in failing[0].message and "boom" in failing[1].message
    (broken,) = by_kind["collection_error"]
    assert broken.path == "tests/app/test_broken.py" and "SyntaxError" in broken.message
    (missing,) = by_kind["missing_test"]
    assert missing.path == "app/untested.py" and missing.severity == "warning"
    assert missing.data["test"] == "tests/app/test_untested.py"
    (orphan,) = by_kind["orphaned_test"]
    assert orphan.path == "tests/app/test_removed.py" and "app/removed.py" in orphan.message
    assert by_kind["empty_test_file"][0].path == "tests/app/test_empty_one.py"
    assert result.findings[0].severity == "error"  # most urgent first


def test_stored_details_of_an_older_run_map_too() -> None:
    details = {
        "attention": [
            {"test": "tests/test_a.py", "kind": "unit", "status": "failing", "code": ["a.py"]},
            {"test": "tests/test_b.py", "kind": "unit", "status": "found", "code": ["b.py"]},
        ]
    }
    (finding,) = findings_from_details(details)
    assert (finding.kind, finding.path, finding.message) == (
        "failing_test", "tests/test_a.py", "tests/test_a.py fails"
    )
    assert findings_from_details({}) == []


def test_entries_past_max_entries_are_counted() -> None:
    details = {"attention": [], "attention_truncated": 7}
    (finding,) = findings_from_details(details)
    assert (finding.kind, finding.severity, finding.data) == ("not_listed", "info", {"count": 7})
