"""Counting and ordering findings: counts say what they count."""

from __future__ import annotations

from autocode_core.formats.findings import count_phrase, kind_noun, more_phrase, ordered, plural
from autocode_core.models import Finding


def test_counts_name_the_kind_and_the_files(results) -> None:
    assert count_phrase(results[0].findings) == "6 failing tests in 1 file, 2 missing tests"
    assert count_phrase(results[1].findings) == "1 changed file"
    assert more_phrase(results[0].findings[:2]) == "… and 2 more (2 missing tests)"


def test_findings_without_kind_are_named_by_severity() -> None:
    found = [Finding(message="a", severity="error"), Finding(message="b", severity="info"),
             Finding(message="c", severity="error")]
    assert [kind_noun(f) for f in found] == ["error", "note", "error"]
    assert count_phrase(found) == "2 errors, 1 note"
    assert [f.message for f in ordered(found)] == ["a", "c", "b"]


def test_plural() -> None:
    assert plural(1, "file") == "1 file" and plural(0, "file") == "0 files"
    assert plural(2, "test file has", "test files have") == "2 test files have"


def test_problems_the_check_did_not_list_are_counted_not_shown_as_one() -> None:
    found = [Finding(message="x", kind="missing_test"),
             Finding(message="221 more", severity="info", kind="not_listed", data={"count": 221})]
    assert count_phrase(found) == "1 missing test, +221 not listed"
    assert more_phrase(found[1:]) == "… and +221 not listed"
