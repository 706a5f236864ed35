"""A real project for the MCP tests (git, code, tests, docs), checked by the three first-party plugins."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from autocode_core.testing import make_git_repo

MISSING = [m for m in ("mcp", "autocode_git", "autocode_tests", "autocode_docs") if importlib.util.find_spec(m) is None]
collect_ignore_glob = ["test_*.py"] if MISSING else []


def pytest_report_header() -> list[str]:
    return [f"tests/mcp skipped: {', '.join(MISSING)} missing (pip install -r requirements-dev.txt)"] if MISSING else []


CONFIG = f"""\
[checks.test_check]
python = {sys.executable!r}  # no environment of its own: say which, no fallback warning

[checks.test_check.layout]
unit_test = "tests/test_{{name}}.py"
integration_test = ""

[daemon]
run_at_start = false
"""


def write_project(root: Path, modules: int = 2, failing: int = 1, changed: int = 1) -> Path:
    """A git project: ``modules`` modules with tests (``failing`` of them failing), docs, uncommitted changes."""
    repo = make_git_repo(root)
    files = {
        "pytest.ini": "[pytest]\naddopts = --import-mode=importlib\npythonpath = .\n",
        "autocode.toml": CONFIG,
        ".gitignore": "__pycache__/\n",
        "pkg/__init__.py": "",
        "docs/_index.md": "# project\n",
        "docs/pkg/_module.md": "# pkg\n",
    }
    for i in range(modules):
        files[f"pkg/mod{i}.py"] = f"def value():\n    return {i}\n"
        expected = -1 if i < failing else i
        files[f"tests/test_mod{i}.py"] = (
            f"from pkg.mod{i} import value\n\n"
            f"def test_value():\n    assert value() == {expected}, 'mod{i} returns the wrong value'\n"
        )
        if i % 2 == 0:
            files[f"docs/pkg/mod{i}.md"] = f"# mod{i}\n"
    files["pkg/untested.py"] = "X = 1\n"
    for path, text in files.items():
        repo.write(path, text)
    repo.commit("initial", date="2026-01-01T00:00:00Z")
    for i in range(changed):
        repo.write(f"notes/change{i}.txt", f"note {i}\n" * 20)
    return root


@pytest.fixture
def real_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in list(os.environ):
        if var.startswith("AUTOCODE"):
            monkeypatch.delenv(var)
    return write_project(tmp_path / "project")
