"""Reading a real pytest JUnit report: outcomes, node ids, reasons, file mapping."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from autocode_tests.junit import CaseOutcome, read_junit
from autocode_tests.pytest_run import pytest_command

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
    ),
    "tests/pkg/test_broken.py": "import no_such_module_here\n",
    "tests/test_skipped_module.py": "import pytest\npytest.skip('not here', allow_module_level=True)\n",
}
RUN = ["tests/pkg/test_mod.py", "tests/pkg/test_broken.py", "tests/test_skipped_module.py"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[CaseOutcome]:
    root = tmp_path_factory.mktemp("junit-project")
    for relpath, text in FILES.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text)
    report = root.parent / "junit-report.xml"
    subprocess.run(
        pytest_command(Path(sys.executable), root, report, RUN),
        cwd=root,
        capture_output=True,
        check=False,
    )
    return read_junit(report, RUN)


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


def test_cases_outside_the_known_files_keep_the_reports_file(tmp_path: Path) -> None:
    report = tmp_path / "r.xml"
    report.write_text(
        '<testsuites><testsuite><testcase classname="elsewhere.test_x.TestC" name="test_y" file="elsewhere/test_x.py"/>'
        "</testsuite></testsuites>"
    )
    assert read_junit(report, ["tests/test_a.py"]) == [
        CaseOutcome("elsewhere/test_x.py", "elsewhere/test_x.py::TestC::test_y", "passed")
    ]
