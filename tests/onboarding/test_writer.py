"""TOML with reasons as comments; pyproject.toml tables; never overwriting; .gitignore."""

from __future__ import annotations

import tomllib

import pytest

from autocode_core.onboarding.decisions import Plan
from autocode_core.onboarding.writer import existing_config, render, update_gitignore, write_config


def _plan() -> Plan:
    plan = Plan()
    plan.decide("checks.test_check.layout.unit_test", "tests/test_{name}.py", "flat \"tests\"")
    plan.decide("checks.test_check.layout.exempt", ["a", "b", "c", "d"], "four")
    plan.decide("daemon.doc_check.enabled", False, "no docs")
    plan.decide("nothing", None, "found but not set")
    return plan


def test_render_is_toml_with_comments() -> None:
    text = render(_plan())
    assert tomllib.loads(text) == {
        "checks": {"test_check": {"layout": {"unit_test": "tests/test_{name}.py", "exempt": ["a", "b", "c", "d"]}}},
        "daemon": {"doc_check": {"enabled": False}},
    }
    assert '# flat "tests"' in text
    assert tomllib.loads(render(_plan(), "tool.autocode"))["tool"]["autocode"]["daemon"] == {
        "doc_check": {"enabled": False}}


def test_write_refuses_then_replaces_only_autocode_tables(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.autocode.api]\nport = 1\n\n'
                                            '[tool.other]\nkeep = true\n')
    assert existing_config(tmp_path) == tmp_path / "pyproject.toml"
    with pytest.raises(FileExistsError):
        write_config(tmp_path, _plan(), pyproject=True)
    write_config(tmp_path, _plan(), pyproject=True, force=True)
    data = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert data["project"] == {"name": "x"} and data["tool"]["other"] == {"keep": True}
    assert "api" not in data["tool"]["autocode"] and data["tool"]["autocode"]["daemon"]["doc_check"]


def test_gitignore_gets_only_what_it_lacks(tmp_path) -> None:
    (tmp_path / ".gitignore").write_text("/git_changes.json")
    assert update_gitignore(tmp_path, ["git_changes.json", ".venv/"]) == [".venv/"]
    assert (tmp_path / ".gitignore").read_text().endswith("/git_changes.json\n# autocode's outputs (autocode init)\n.venv/\n")
