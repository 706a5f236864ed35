"""Running test files under a real pytest subprocess."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from autocode_tests.pytest_run import run_pytest

from autocode_core import PluginError
from autocode_core.testing import make_context


def _run(root: Path, files: list[str], python: Path | None = None, **kwargs):
    context = make_context("test_check", root)
    return run_pytest(context, python or Path(sys.executable), files, **kwargs)


def test_outcomes_come_from_the_report(make_project) -> None:
    root = make_project(
        {
            "tests/test_a.py": "def test_one(): pass\ndef test_two(): assert False, 'no'\n",
            "tests/test_b.py": "def test_three(): pass\n",
        }
    )
    run = _run(root, ["tests/test_a.py", "tests/test_b.py"])
    assert run.returncode == 1
    assert run.python == sys.executable
    assert sorted((c.id, c.outcome) for c in run.cases) == [
        ("tests/test_a.py::test_one", "passed"),
        ("tests/test_a.py::test_two", "failed"),
        ("tests/test_b.py::test_three", "passed"),
    ]
    assert not (root / ".pytest_cache").exists()


def test_the_projects_own_pytest_config_applies(make_project) -> None:
    root = make_project(
        {
            "pytest.ini": "[pytest]\npython_functions = check_*\n",
            "tests/test_a.py": "def check_it(): pass\ndef test_not_collected(): pass\n",
        }
    )
    run = _run(root, ["tests/test_a.py"])
    assert [c.id for c in run.cases] == ["tests/test_a.py::check_it"]


def test_only_the_given_files_run(make_project) -> None:
    root = make_project(
        {"tests/test_a.py": "def test_a(): pass\n", "tests/test_b.py": "def test_b(): pass\n"}
    )
    assert [c.file for c in _run(root, ["tests/test_b.py"]).cases] == ["tests/test_b.py"]


def test_pytest_not_installed_is_an_error_that_says_so(
    make_project, python_without_pytest: Path
) -> None:
    root = make_project({"tests/test_a.py": "def test_a(): pass\n"})
    with pytest.raises(
        PluginError, match=r"pytest is not installed for .*No module named 'pytest'"
    ):
        _run(root, ["tests/test_a.py"], python=python_without_pytest)


def test_a_usage_error_is_reported_with_pytests_words(make_project) -> None:
    root = make_project({"tests/test_a.py": "def test_a(): pass\n"})
    with pytest.raises(
        PluginError,
        match=r"pytest failed \(exit code 4\): .*unrecognized arguments: --no-such-flag",
    ):
        _run(root, ["tests/test_a.py"], extra_args=["--no-such-flag"])


def test_a_run_the_probe_could_not_record_says_so(make_project) -> None:
    root = make_project({"tests/test_a.py": "def test_a(): pass\n"})
    with pytest.raises(
        PluginError,
        match=r"pytest ran \(exit code 0\) but the check's probe plugin .* recorded nothing.*1 passed",
    ):
        _run(root, ["tests/test_a.py"], extra_args=["-p", "no:autocode_tests_probe"])


def test_an_interpreter_that_cannot_start_is_an_error(make_project) -> None:
    root = make_project({"tests/test_a.py": "def test_a(): pass\n"})
    with pytest.raises(PluginError, match="cannot start"):
        _run(root, ["tests/test_a.py"], python=root / "missing-python")


def test_a_hanging_run_is_killed_with_its_whole_tree(
    make_project, hanging_test: str, assert_killed: Callable[[Path], None]
) -> None:
    root = make_project({"tests/test_hang.py": hanging_test})
    with pytest.raises(
        PluginError, match=r"did not finish within 5s .*killed with all its subprocesses"
    ):
        _run(root, ["tests/test_hang.py"], timeout=5)
    assert_killed(root / "pids.txt")
