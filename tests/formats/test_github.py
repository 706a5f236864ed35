"""GitHub workflow commands: one annotation per problem, with file and line, escaped."""

from __future__ import annotations

from autocode_core.formats.github import escape_data, escape_property, results_github
from autocode_core.models import CheckResult, Finding


def test_annotations_for_problems_only(results) -> None:
    lines = results_github(results).splitlines()
    assert lines[0] == "❌ test_check: 1 test failing, 2 tests missing (1.50s)"
    assert lines[1] == (
        "::error file=tests/test_calc.py,line=2,title=test_check%3A failing test::"
        "tests/test_calc.py::test_1: assert 1 == 0"
    )
    missing = "::warning file=pkg/io.py,title=test_check%3A missing test::pkg/io.py has no test: "
    assert missing + "expected tests/test_io.py" in lines
    assert not any("a.py changed" in line for line in lines)  # notes are not problems
    assert "::warning title=git_check::📊 1 file changed (1 modified)" in lines
    assert not any(line.startswith("::") and "doc_check" in line for line in lines)
    assert "::error title=broken_check::❌ plugin broken failed to load: boom" in lines
    assert "::warning title=odd_check::⚠️ something, no findings%0Asecond line" in lines


def test_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    odd = CheckResult(check_name="c", status="error", message="m",
                      findings=[Finding(message="x", severity="error", path="dir,1/a:b.py", line=4)])
    assert results_github([odd]).splitlines()[1] == "::error file=dir%2C1/a%3Ab.py,line=4,title=c%3A error::x"
