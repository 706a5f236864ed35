"""Choosing ``checks.test_check.layout`` from a project's files."""

from __future__ import annotations

from autocode_core.onboarding.decisions import Plan
from autocode_core.onboarding.tests_layout import decide_tests


def _decide(files: list[str]) -> dict[str, object]:
    plan = Plan()
    decide_tests(files, plan)
    return {d.key.rsplit(".", 1)[-1]: d.value for d in plan.decisions}


def test_src_layout_mirrored_with_the_package_folder() -> None:
    got = _decide(["src/app/__init__.py", "src/app/a.py", "src/app/sub/__init__.py", "src/app/sub/b.py",
                   "tests/app/test_a.py", "tests/app/sub/test_b.py"])
    assert got["source_roots"] == ["src"] and got["unit_test"] == "tests/{dir}/test_{name}.py"
    assert got["integration_test"] == ""


def test_mirrored_without_the_package_folder() -> None:
    got = _decide(["pkg/__init__.py", "pkg/a.py", "pkg/sub/__init__.py", "pkg/sub/b.py",
                   "test/test_a.py", "test/sub/test_b.py"])
    assert got["source_roots"] == ["pkg"] and got["unit_test"] == "test/{dir}/test_{name}.py"


def test_private_modules_named_without_their_underscore() -> None:
    got = _decide(["src/p/__init__.py", "src/p/_result.py", "src/p/_hooks.py", "testing/test_result.py",
                   "testing/test_hookcaller.py", "testing/test_misc.py"])
    assert got["unit_test"] == "testing/test{name}.py"
    assert got["exempt"][-3:] == ["src/p/_hooks.py", "testing/test_hookcaller.py", "testing/test_misc.py"]


def test_integration_tests_kept_when_the_project_has_them() -> None:
    got = _decide(["pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/a.py", "tests/sub/test_a.py",
                   "tests/sub/test_sub_integration.py"])
    assert got["integration_test"] == "tests/{dir}/test_{folder}_integration.py"


def test_no_package_keeps_the_defaults() -> None:
    plan = Plan()
    decide_tests(["script.py", "tests/test_script.py"], plan)
    assert plan.decisions == [] and "no Python package found" in plan.notes[0]
