"""Findings under a check's line on the terminal."""

from __future__ import annotations

from autocode_core.formats.text import finding_line, finding_lines, result_line
from autocode_core.models import CheckResult, Finding


def test_lines_count_list_and_cut(results) -> None:
    lines = finding_lines(results[0], 3)
    assert lines == [
        "    6 failing tests in 1 file, 2 missing tests",
        "    ✗ tests/test_calc.py::test_1: assert 1 == 0",
        "    ✗ tests/test_calc.py::test_2: assert 2 == 0",
        "    ✗ tests/test_calc.py::test_3: assert 3 == 0",
        "    … and 5 more (3 failing tests in 1 file, 2 missing tests)",
    ]
    assert len(finding_lines(results[0], None)) == 1 + 8
    assert finding_lines(results[2]) == []


def test_a_finding_names_its_place_once() -> None:
    bare = Finding(message="bad indent\nmore detail", path="a.py", line=3)
    assert finding_line(bare) == "! a.py:3: bad indent"
    assert finding_line(Finding(message="a.py is odd", path="a.py")) == "! a.py is odd"
    assert finding_line(Finding(message="note", severity="info"), color=True) == "\033[2m·\033[0m note"


def test_the_core_cap_is_said() -> None:
    result = CheckResult(check_name="c", status="warning", message="m", details={"findings_truncated": 5},
                         findings=[Finding(message="x")])
    assert finding_lines(result)[-1] == "    (and 5 more findings the check reported past the limit)"


def test_result_line_keeps_the_plugins_icon(results) -> None:
    assert result_line(results[0]) == "❌ test_check: 1 test failing, 2 tests missing (1.50s)"
    assert result_line(results[4]) == "⚠️ odd_check: something, no findings"
