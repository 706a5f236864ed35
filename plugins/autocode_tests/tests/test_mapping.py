"""Mapping code files to expected test files, and finding orphans."""

from __future__ import annotations

from autocode_tests.mapping import ExpectedTest, Orphan, map_tests, pick_source_roots
from autocode_tests.settings import LayoutConfig


def _expected(plan) -> dict[str, tuple[str, tuple[str, ...], bool]]:
    return {t.path: (t.kind, t.code, t.exists) for t in plan.expected}


def test_default_layout_expects_unit_and_folder_tests() -> None:
    files = [
        "pkg/__init__.py",
        "pkg/a.py",
        "pkg/core/__init__.py",
        "pkg/core/b.py",
        "tests/pkg/test_a.py",
        "tests/conftest.py",
        "tests/pkg/core/test_core_integration.py",
    ]
    plan = map_tests(files, LayoutConfig())
    assert plan.source_roots == ["."]
    assert plan.code_files == 2
    assert plan.code_folders == 2
    assert _expected(plan) == {
        "tests/pkg/test_a.py": ("unit", ("pkg/a.py",), True),
        "tests/pkg/core/test_b.py": ("unit", ("pkg/core/b.py",), False),
        "tests/pkg/test_pkg_integration.py": ("integration", ("pkg/",), False),
        "tests/pkg/core/test_core_integration.py": ("integration", ("pkg/core/",), True),
    }
    assert [t.path for t in plan.expected] == sorted(t.path for t in plan.expected)
    assert plan.existing == ["tests/pkg/core/test_core_integration.py", "tests/pkg/test_a.py"]
    assert plan.orphans == []


def test_init_files_and_package_only_folders_need_no_test() -> None:
    plan = map_tests(["pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/leaf.py"], LayoutConfig())
    assert _expected(plan) == {
        "tests/pkg/sub/test_leaf.py": ("unit", ("pkg/sub/leaf.py",), False),
        "tests/pkg/sub/test_sub_integration.py": ("integration", ("pkg/sub/",), False),
    }


def test_modules_at_the_source_root_get_tests_but_the_root_is_no_code_folder() -> None:
    plan = map_tests(["tool.py"], LayoutConfig())
    assert _expected(plan) == {"tests/test_tool.py": ("unit", ("tool.py",), False)}


def test_orphans_are_test_files_whose_code_is_gone() -> None:
    files = [
        "pkg/a.py",
        "tests/pkg/test_a.py",
        "tests/pkg/test_removed.py",
        "tests/old/test_old_integration.py",
        "tests/pkg/helpers.py",  # follows no template: neither code nor orphan
    ]
    plan = map_tests(files, LayoutConfig())
    assert plan.orphans == [
        Orphan("tests/old/test_old_integration.py", "integration", "old/"),
        Orphan("tests/pkg/test_removed.py", "unit", "pkg/removed.py"),
    ]
    assert "tests/pkg/helpers.py" not in _expected(plan)


def test_src_layout_is_detected_and_stripped() -> None:
    files = ["src/app/__init__.py", "src/app/api.py", "tests/app/test_api.py", "tests/test_gone.py"]
    plan = map_tests(files, LayoutConfig(integration_test=None))
    assert plan.source_roots == ["src"]
    assert _expected(plan) == {"tests/app/test_api.py": ("unit", ("src/app/api.py",), True)}
    assert plan.orphans == [Orphan("tests/test_gone.py", "unit", "src/gone.py")]


def test_explicit_source_roots_limit_what_counts_as_code() -> None:
    files = ["lib/mod.py", "scripts/run.py", "other/x.py"]
    layout = LayoutConfig(source_roots=["lib", "scripts"], integration_test=None)
    assert pick_source_roots(files, layout.source_roots) == ["lib", "scripts"]
    plan = map_tests(files, layout)
    assert sorted(_expected(plan)) == ["tests/test_mod.py", "tests/test_run.py"]


def test_flat_layout_merges_modules_that_share_a_name() -> None:
    files = ["pkg/util.py", "other/util.py", "pkg/a.py", "tests/test_util.py"]
    layout = LayoutConfig(
        unit_test="tests/test_{name}.py", integration_test="tests/test_{folder}_integration.py"
    )
    plan = map_tests(files, layout)
    assert _expected(plan) == {
        "tests/test_a.py": ("unit", ("pkg/a.py",), False),
        "tests/test_util.py": ("unit", ("other/util.py", "pkg/util.py"), True),
        "tests/test_pkg_integration.py": ("integration", ("pkg/",), False),
        "tests/test_other_integration.py": ("integration", ("other/",), False),
    }


def test_suffix_pattern_and_colocated_tests() -> None:
    files = ["pkg/a.py", "pkg/a_test.py", "pkg/b.py", "pkg/zz_test.py"]
    plan = map_tests(files, LayoutConfig(unit_test="{dir}/{name}_test.py", integration_test=None))
    assert _expected(plan) == {
        "pkg/a_test.py": ("unit", ("pkg/a.py",), True),
        "pkg/b_test.py": ("unit", ("pkg/b.py",), False),
    }
    assert plan.orphans == [Orphan("pkg/zz_test.py", "unit", "pkg/zz.py")]


def test_exemptions_cover_code_and_unattached_test_files() -> None:
    files = [
        "pkg/a.py",
        "pkg/generated/models.py",
        "pkg/__main__.py",
        "setup.py",
        "tests/pkg/test_a.py",
        "tests/test_end_to_end.py",
        "tests/pkg/test_pkg_integration.py",
    ]
    layout = LayoutConfig(
        exempt=["pkg/generated/", "__main__.py", "setup.py", "tests/test_end_to_end.py"]
    )
    plan = map_tests(files, layout)
    assert sorted(_expected(plan)) == ["tests/pkg/test_a.py", "tests/pkg/test_pkg_integration.py"]
    assert plan.orphans == []


def test_a_test_file_claimed_by_a_module_and_a_folder_is_the_modules() -> None:
    # module pkg/core_integration.py and folder pkg/core/ (flat integration) want the same file
    files = ["pkg/core_integration.py", "pkg/core/x.py"]
    layout = LayoutConfig(
        unit_test="tests/test_{name}.py", integration_test="tests/test_{folder}_integration.py"
    )
    plan = map_tests(files, layout)
    assert (
        ExpectedTest("tests/test_core_integration.py", "unit", ("pkg/core_integration.py",), False)
        in plan.expected
    )
