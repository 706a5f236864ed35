"""Which test files a change affects."""

from __future__ import annotations

from autocode_tests.affected import affected_tests
from autocode_tests.mapping import map_tests
from autocode_tests.settings import LayoutSettings

FILES = [
    "pkg/__init__.py",
    "pkg/a.py",
    "pkg/b.py",
    "pkg/sub/c.py",
    "tests/conftest.py",
    "tests/pkg/test_a.py",
    "tests/pkg/test_b.py",
    "tests/pkg/test_pkg_integration.py",
    "tests/pkg/sub/conftest.py",
    "tests/pkg/sub/test_c.py",
    "tests/test_basic.py",
]


def _affected(*changed: str) -> list[str]:
    return affected_tests(map_tests(FILES, LayoutSettings()), changed)


def test_a_changed_module_runs_its_unit_and_folder_tests() -> None:
    assert _affected("pkg/a.py") == ["tests/pkg/test_a.py", "tests/pkg/test_pkg_integration.py"]


def test_a_changed_test_file_runs_itself_even_when_no_code_maps_to_it() -> None:
    assert _affected("tests/test_basic.py", "README.md") == ["tests/test_basic.py"]


def test_a_changed_conftest_runs_the_tests_below_it() -> None:
    assert _affected("tests/pkg/sub/conftest.py") == ["tests/pkg/sub/test_c.py"]


def test_unrelated_files_affect_nothing_and_a_deleted_module_its_folders_test() -> None:
    assert _affected("docs/index.md", "tools/gone.py") == []
    assert _affected("pkg/gone.py") == ["tests/pkg/test_pkg_integration.py"]
