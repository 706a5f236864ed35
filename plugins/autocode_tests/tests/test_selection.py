"""Choosing the fewest pytest paths that select exactly the wanted test files."""

from __future__ import annotations

import pytest
from autocode_tests.selection import is_collected_by_default, select_paths


@pytest.mark.parametrize(
    ("path", "collected"),
    [
        ("tests/test_a.py", True),
        ("tests/a_test.py", True),
        ("tests/helpers.py", False),
        ("tests/conftest.py", False),
        ("tests/test_data.txt", False),
    ],
)
def test_default_python_files(path: str, collected: bool) -> None:
    assert is_collected_by_default(path) is collected


def test_a_folder_whose_tests_are_all_wanted_is_passed_whole() -> None:
    wanted = ["tests/a/test_x.py", "tests/a/test_y.py", "tests/b/test_z.py"]
    assert select_paths(wanted, [*wanted, "tests/conftest.py", "tests/a/helpers.py"]) == ["tests"]


def test_an_unwanted_test_keeps_its_folders_explicit() -> None:
    wanted = ["tests/a/test_x.py", "tests/a/test_y.py", "tests/b/test_z.py"]
    selected = select_paths(wanted, [*wanted, "tests/b/test_orphan.py"])
    assert selected == ["tests/a", "tests/b/test_z.py"]


def test_a_wanted_file_pytest_would_not_collect_by_name_is_passed_itself() -> None:
    wanted = ["checks/a/verify_x.py", "checks/a/verify_y.py"]
    assert select_paths(wanted, wanted) == wanted


def test_the_project_root_is_never_passed() -> None:
    assert select_paths(["test_a.py", "test_b.py"], ["test_a.py", "test_b.py"]) == [
        "test_a.py",
        "test_b.py",
    ]
