"""``autocode init`` acceptance: five real-world layouts, then ``autocode check`` agrees with a human.

Each generated project has every module tested (and test files that test no
single module, helpers, private modules, version files): after ``autocode init
--yes``, ``autocode check`` must report no missing test and no orphan, run the
tests with the project's own interpreter where it has one, and doc_check must
be on only where the docs mirror the code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autocode_core.testing import make_git_repo

TEST = "def test_it():\n    assert True\n"
PYTEST_INI = "[pytest]\naddopts = --import-mode=importlib\npythonpath = . src\n"

LAYOUTS: dict[str, dict[str, str]] = {
    "src_mirrored_markdown_docs": {
        "src/app/__init__.py": "", "src/app/core.py": "X = 1\n", "src/app/_version.py": "version = '1.0'\n",
        "src/app/io/__init__.py": "", "src/app/io/reader.py": "Y = 2\n",
        "tests/app/test_core.py": TEST, "tests/app/io/test_reader.py": TEST,
        "tests/test_end_to_end.py": TEST, "tests/conftest.py": "",
        "docs/_index.md": "# app\n", "docs/src/app/_module.md": "# app\n", "docs/src/app/core.md": "# core\n",
        "docs/src/app/_version.md": "# version\n", "docs/src/app/io/_module.md": "# io\n",
        "docs/src/app/io/reader.md": "# reader\n", "docs/guide.md": "# how to use it\n",
    },
    "flat_package_flat_tests": {
        "mylib/__init__.py": "", "mylib/parse.py": "", "mylib/render.py": "", "mylib/util/__init__.py": "",
        "mylib/util/text.py": "", "mylib/__main__.py": "print('hi')\n", "setup.py": "",
        "tests/test_parse.py": TEST, "tests/test_render.py": TEST, "tests/test_text.py": TEST,
        "tests/test_cli.py": TEST, "docs/usage.md": "# usage\n", "docs/changelog.md": "# changes\n",
    },
    "testing_folder_private_modules": {
        "src/plug/__init__.py": "", "src/plug/_result.py": "", "src/plug/_hooks.py": "",
        "src/plug/_manager.py": "", "src/plug/_tracing.py": "",
        "testing/conftest.py": "", "testing/benchmark.py": "", "testing/test_result.py": TEST,
        "testing/test_hooks.py": TEST, "testing/test_manager.py": TEST, "testing/test_tracer.py": TEST,
        "testing/test_invocations.py": TEST,
    },
    "sphinx_rst_docs": {
        "src/tool/__init__.py": "", "src/tool/api.py": "", "src/tool/_helpers.py": "",
        "test/test_api.py": TEST, "docs/conf.py": "project = 'tool'\n", "docs/index.rst": "Tool\n====\n",
        "docs/api.rst": "API\n===\n",
    },
    "no_docs": {
        "pkg/__init__.py": "", "pkg/a.py": "", "pkg/b.py": "", "tests/pkg/test_a.py": TEST,
        "tests/pkg/test_b.py": TEST,
    },
}
VENVS = {"src_mirrored_markdown_docs": ".venv", "flat_package_flat_tests": "venv"}


def _autocode(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTOCODE", "VIRTUAL_ENV"))}
    return subprocess.run([sys.executable, "-m", "autocode_core.cli", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def _project(tmp_path: Path, layout: str) -> Path:
    root = tmp_path / layout
    repo = make_git_repo(root)
    for path, text in {"pytest.ini": PYTEST_INI, ".gitignore": "__pycache__/\n", **LAYOUTS[layout]}.items():
        repo.write(path, text)
    repo.commit("initial", date="2026-01-01T00:00:00Z")
    if layout in VENVS:  # the project's own interpreter (sees this one's pytest)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                        str(root / VENVS[layout])], check=True)
    return root


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_init_then_check_reports_nothing_a_human_would_dispute(tmp_path, layout) -> None:
    root = _project(tmp_path, layout)
    init = _autocode(root, "init", "--yes")
    assert init.returncode == 0, init.stderr
    assert "because" in init.stdout and "wrote autocode.toml" in init.stdout
    check = _autocode(root, "check", "--format", "json")
    doc = json.loads(check.stdout)
    results = {r["check_name"]: r for r in doc["results"]}
    tests = results["test_check"]
    kinds = [f["kind"] for f in tests["findings"]]
    # without an environment of its own the project's tests run with autocode's interpreter: a warning
    expected = [] if layout in VENVS else ["interpreter_fallback"]
    assert kinds == expected, (init.stdout, tests["message"], tests["findings"])
    assert tests["status"] == "success", tests["message"]
    assert tests["details"]["cases"]["passed"] >= 1
    if layout in VENVS:
        assert tests["details"]["python"] == str(root / VENVS[layout] / "bin" / "python")
        assert f"{VENVS[layout]}/" in (root / ".gitignore").read_text()
    if layout == "src_mirrored_markdown_docs":
        assert results["doc_check"]["status"] == "success", results["doc_check"]["findings"]
    else:  # docs that do not mirror the code, or none: doc_check is off, and says why
        assert "daemon.doc_check.enabled = false" in init.stdout and "doc_check" not in results
    assert sorted(results) == sorted({"test_check", "git_check"} | ({"doc_check"} & set(results)))


def test_never_overwrites_and_asks_nothing_without_a_terminal(tmp_path) -> None:
    root = _project(tmp_path, "no_docs")
    (root / "pyproject.toml").write_text("[project]\nname = 'pkg'\n\n[tool.autocode.daemon]\nrun_at_start = false\n")
    refused = _autocode(root, "init", "--yes")
    assert refused.returncode == 2 and "already configured in pyproject.toml" in refused.stderr
    replaced = _autocode(root, "init", "--pyproject", "--force", "--format", "json")
    assert replaced.returncode == 0, replaced.stderr
    doc = json.loads(replaced.stdout)
    assert doc["written"].endswith("pyproject.toml") and doc["gitignore_added"] == []  # not asked: left alone
    text = (root / "pyproject.toml").read_text()
    assert text.startswith("[project]\nname = 'pkg'\n") and "run_at_start" not in text
    assert "[tool.autocode.checks.test_check.layout]" in text
    dry = _autocode(root, "init", "--dry-run", "--force")
    assert dry.returncode == 0 and "[checks.test_check.layout]" in dry.stdout
