"""Test path templates: expansion, matching, literal roots and validation."""

from __future__ import annotations

import pytest
from autocode_tests.templates import TemplateError, TestPathTemplate


@pytest.mark.parametrize(
    ("template", "dir", "name", "expected"),
    [
        ("tests/{dir}/test_{name}.py", "pkg/core", "api", "tests/pkg/core/test_api.py"),
        ("tests/{dir}/test_{name}.py", "", "api", "tests/test_api.py"),
        ("tests/test_{name}.py", "pkg/core", "api", "tests/test_api.py"),
        ("tests/{dir}/{name}_test.py", "pkg", "api", "tests/pkg/api_test.py"),
        ("{dir}/test_{name}.py", "pkg", "api", "pkg/test_api.py"),
    ],
)
def test_expand_unit(template: str, dir: str, name: str, expected: str) -> None:
    assert TestPathTemplate(template).expand(dir, name=name) == expected


def test_expand_integration_uses_folder_name() -> None:
    template = TestPathTemplate("tests/{dir}/test_{folder}_integration.py")
    assert template.expand("pkg/core", folder="core") == "tests/pkg/core/test_core_integration.py"


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("tests/{dir}/test_{name}.py", "tests/a/b/test_m.py", {"dir": "a/b", "name": "m"}),
        ("tests/{dir}/test_{name}.py", "tests/test_m.py", {"dir": "", "name": "m"}),
        ("tests/{dir}/test_{name}.py", "other/test_m.py", None),
        ("tests/{dir}/test_{name}.py", "tests/a/m.py", None),
        ("tests/{dir}/{name}_test.py", "tests/a/m_test.py", {"dir": "a", "name": "m"}),
        ("tests/{folder}/test_{folder}.py", "tests/x/test_x.py", {"folder": "x"}),
        ("tests/{folder}/test_{folder}.py", "tests/x/test_y.py", None),
    ],
)
def test_match(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert TestPathTemplate(template).match(path) == expected


@pytest.mark.parametrize(
    ("template", "root"),
    [
        ("tests/{dir}/test_{name}.py", "tests"),
        ("tests/unit/{dir}/test_{name}.py", "tests/unit"),
        ("{dir}/test_{name}.py", ""),
        ("tests/test_{name}.py", "tests"),
    ],
)
def test_root_is_the_literal_folder(template: str, root: str) -> None:
    assert TestPathTemplate(template).root == root


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("tests/x{dir}/test_{name}.py", "whole path part"),
        ("tests/{module}.py", "unknown placeholder"),
        ("tests/test_{name}.txt", "end with '.py'"),
        ("/abs/test_{name}.py", "relative path"),
        ("tests/../test_{name}.py", "'..'"),
        ("tests/{name}.py", "text besides placeholders"),
        ("tests/test_{name.py", "unbalanced"),
    ],
)
def test_invalid_templates_are_refused(template: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=problem.replace("(", r"\(").replace(".", r"\.")):
        TestPathTemplate(template)
