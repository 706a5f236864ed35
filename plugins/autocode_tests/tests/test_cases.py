"""Outcomes of a real pytest run, as the probe records them: node ids, reasons, lines, files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from autocode_tests.cases import CaseOutcome, read_cases
from autocode_tests.pytest_run import run_pytest

from autocode_core.testing import make_context

FILES = {
    "pytest.ini": "[pytest]\naddopts = --import-mode=importlib\n",
    "tests/base.py": "class Shared:\n    def test_inherited(self):\n        pass\n",
    "tests/pkg/test_mod.py": (
        "import pytest\n"
        "from tests.base import Shared\n"
        "def test_ok(): pass\n"
        "def test_bad(): assert 1 == 2, 'boom'\n"
        "@pytest.mark.skip(reason='not today')\n"
        "def test_skip(): pass\n"
        "@pytest.mark.xfail(reason='known bug')\n"
        "def test_xfail(): assert 0\n"
        "@pytest.fixture\n"
        "def broken(): raise RuntimeError('setup fails')\n"
        "def test_setup_error(broken): pass\n"
        "class TestGroup(Shared):\n"
        "    @pytest.mark.parametrize('x', [1, 2])\n"
        "    def test_param(self, x): assert x == 1\n"
        "@pytest.mark.xfail(strict=True, reason='must fail')\n"
        "def test_strict_xpass(): pass\n"
        "@pytest.fixture\n"
        "def bad_teardown():\n"
        "    yield\n"
        "    raise RuntimeError('teardown fails')\n"
        "def test_teardown_error(bad_teardown): pass\n"
        "def test_fails_and_teardown_errors(bad_teardown):\n"
        "    assert 'a' == 'b'\n"
    ),
    "tests/pkg/test_broken.py": "import no_such_module_here\n",
    "tests/test_skipped_module.py": "import pytest\npytest.skip('not here', allow_module_level=True)\n",
}
RUN = ["tests/pkg/test_mod.py", "tests/pkg/test_broken.py", "tests/test_skipped_module.py"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[CaseOutcome]:
    root = tmp_path_factory.mktemp("cases-project")
    for relpath, text in FILES.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text)
    return run_pytest(make_context("test_check", root), Path(sys.executable), RUN).cases


def test_each_case_gets_its_outcome_and_node_id(cases: list[CaseOutcome]) -> None:
    outcomes = {c.id: c.outcome for c in cases}
    assert outcomes == {
        "tests/pkg/test_mod.py::test_ok": "passed",
        "tests/pkg/test_mod.py::test_bad": "failed",
        "tests/pkg/test_mod.py::test_skip": "skipped",
        "tests/pkg/test_mod.py::test_xfail": "xfailed",
        "tests/pkg/test_mod.py::test_setup_error": "error",
        "tests/pkg/test_mod.py::TestGroup::test_param[1]": "passed",
        "tests/pkg/test_mod.py::TestGroup::test_param[2]": "failed",
        "tests/pkg/test_mod.py::TestGroup::test_inherited": "passed",
        "tests/pkg/test_mod.py::test_strict_xpass": "failed",
        "tests/pkg/test_mod.py::test_teardown_error": "error",
        "tests/pkg/test_mod.py::test_fails_and_teardown_errors": "failed",
        "tests/pkg/test_broken.py": "collection_error",
        "tests/test_skipped_module.py": "skipped",
    }


def test_inherited_tests_map_to_the_file_that_collected_them(cases: list[CaseOutcome]) -> None:
    inherited = next(c for c in cases if c.id.endswith("test_inherited"))
    assert inherited.file == "tests/pkg/test_mod.py"


def test_reasons_are_one_line(cases: list[CaseOutcome]) -> None:
    reasons = {c.id.rsplit("::", 1)[-1]: c.reason for c in cases}
    assert reasons["test_bad"] == "AssertionError: boom"
    assert "setup fails" in reasons["test_setup_error"]
    assert reasons["test_skip"] == "not today"
    assert (
        reasons["tests/pkg/test_broken.py"]
        == "ModuleNotFoundError: No module named 'no_such_module_here'"
    )
    assert all("\n" not in c.reason and len(c.reason) <= 200 for c in cases)


def test_reasons_and_lines_of_the_other_phases(cases: list[CaseOutcome]) -> None:
    by_name = {c.id.rsplit("::", 1)[-1]: c for c in cases}
    assert by_name["test_xfail"].reason == "known bug"
    assert by_name["test_strict_xpass"].reason == "[XPASS(strict)] must fail"
    assert by_name["test_teardown_error"].reason.startswith('failed on teardown with "')
    assert "teardown fails" in by_name["test_teardown_error"].reason
    # a failed call wins over the error of its teardown
    assert "AssertionError" in by_name["test_fails_and_teardown_errors"].reason
    assert by_name["tests/test_skipped_module.py"].reason == "not here"
    source = FILES["tests/pkg/test_mod.py"].splitlines()
    assert source[by_name["test_bad"].line - 1].startswith("def test_bad")
    assert "assert 'a' == 'b'" in source[by_name["test_fails_and_teardown_errors"].line - 1]
    assert by_name["test_ok"].line is None


def test_records_of_another_shape_are_left_out() -> None:
    assert read_cases(None) is None and read_cases({"a": 1}) is None
    assert read_cases(
        [
            ["elsewhere/test_x.py::TestC::test_y", "passed", "", None],
            ["tests/test_a.py::t", "exploded", "", None],
            ["tests/test_a.py::u", "failed", "boom", True],
            "not a record",
        ]
    ) == [
        CaseOutcome("elsewhere/test_x.py", "elsewhere/test_x.py::TestC::test_y", "passed"),
        CaseOutcome("tests/test_a.py", "tests/test_a.py::u", "failed", "boom"),
    ]
