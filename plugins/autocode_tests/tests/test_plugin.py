"""``test_check`` end to end: generated projects, real pytest runs, the real daemon path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from autocode_tests.plugin import TestCheckPlugin

from autocode_core.testing import AutocodeHarness

PASSING_PROJECT = {
    "pkg/__init__.py": "",
    "pkg/calc.py": "def add(a, b):\n    return a + b\n",
    "pkg/io/__init__.py": "",
    "pkg/io/reader.py": "def read():\n    return 'data'\n",
    "tests/pkg/test_calc.py": "from pkg.calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    "tests/pkg/test_pkg_integration.py": "import pkg.calc\n\ndef test_import():\n    assert pkg.calc\n",
    "tests/pkg/io/test_reader.py": (
        "import sys, pytest\nfrom pkg.io.reader import read\n\ndef test_read():\n    assert read() == 'data'\n\n"
        "@pytest.mark.skipif(sys.platform != 'nope', reason='never here')\ndef test_elsewhere():\n    pass\n"
    ),
    "tests/pkg/io/test_io_integration.py": "def test_io():\n    pass\n",
    "tests/conftest.py": "",
    ".gitignore": "generated/\n",
}


@pytest.fixture
def harness(autocode: AutocodeHarness) -> AutocodeHarness:
    autocode.register(TestCheckPlugin)
    return autocode


def test_all_found_and_passing(harness: AutocodeHarness, make_project) -> None:
    root = make_project(PASSING_PROJECT)
    (root / "generated").mkdir()
    (root / "generated" / "models.py").write_text("X = 1\n")  # ignored by git: needs no test

    result = harness.run_check("test_check", root)

    assert result.status == "success", result.details
    assert result.message == "✅ All tests found and passing (5 tests in 4 files, 1 skipped)"
    assert result.details["cases"] == {"passed": 4, "failed": 0, "errors": 0, "skipped": 1, "xfailed": 0}
    assert result.details["counts"]["unit"]["passing"] == 2
    assert result.details["counts"]["integration"]["passing"] == 2
    assert result.details["file_listing"] == "git"
    assert result.check_name == "test_check" and result.duration_seconds is not None


def test_failing_uncollectable_skipped_missing_and_orphaned(
    harness: AutocodeHarness, make_project
) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/good.py": "",
            "app/bad.py": "",
            "app/broken.py": "",
            "app/lazy.py": "",
            "app/untested.py": "",
            "tests/app/test_app_integration.py": "def test_ok():\n    pass\n",
            "tests/app/test_good.py": "def test_ok():\n    pass\n",
            "tests/app/test_bad.py": "def test_ok():\n    pass\n\ndef test_wrong():\n    assert 2 + 2 == 5, 'math'\n",
            "tests/app/test_broken.py": "def test_syntax(:\n",
            "tests/app/test_lazy.py": "import pytest\n\n@pytest.mark.skip(reason='later')\ndef test_later():\n    pass\n",
            "tests/app/test_removed.py": "def test_old():\n    pass\n",
        }
    )

    result = harness.run_check("test_check", root)

    assert result.status == "error"
    assert (
        result.message
        == "❌ 1 test failing in 1 file, 1 test file cannot be collected, 1 test file missing, "
        "1 orphaned test file"
    )
    attention = {e["test"]: e for e in result.details["attention"]}
    assert list(attention) == [
        "tests/app/test_broken.py",
        "tests/app/test_bad.py",
        "tests/app/test_untested.py",
        "tests/app/test_removed.py",
        "tests/app/test_lazy.py",  # skipped by a marker: listed last, with the reason
    ]
    assert attention["tests/app/test_lazy.py"]["reason"] == "skipped: later"
    assert attention["tests/app/test_broken.py"]["status"] == "collection_error"
    assert "SyntaxError" in attention["tests/app/test_broken.py"]["failures"][0]["reason"]
    assert attention["tests/app/test_bad.py"]["failures"] == [
        {"id": "tests/app/test_bad.py::test_wrong", "reason": "AssertionError: math", "line": 5}
    ]
    assert attention["tests/app/test_untested.py"] == {
        "test": "tests/app/test_untested.py",
        "kind": "unit",
        "status": "missing",
        "code": ["app/untested.py"],
    }
    assert attention["tests/app/test_removed.py"]["code"] == ["app/removed.py"]
    unit = result.details["counts"]["unit"]
    assert (unit["passing"], unit["skipped"], unit["failing"], unit["collection_error"]) == (
        1,
        1,
        1,
        1,
    )
    json.dumps(result.details)


def test_without_auto_execute_nothing_runs(harness: AutocodeHarness, make_project) -> None:
    root = make_project(
        {
            "app/a.py": "",
            "app/b.py": "",
            "tests/app/test_a.py": "def test_fails():\n    assert False\n",
            "tests/app/test_app_integration.py": "",
        }
    )

    result = harness.run_check("test_check", root, settings={"auto_execute": False})

    assert result.status == "warning"
    assert result.message == "⚠️ 1 test file missing (tests not run: auto_execute is off)"
    assert result.details["executed"] is False
    assert result.details["counts"]["unit"] == {
        **result.details["counts"]["unit"],
        "found": 1,
        "missing": 1,
    }
    assert "cases" not in result.details


def test_a_hanging_test_is_killed_at_the_check_timeout(
    harness: AutocodeHarness, make_project, hanging_test: str, assert_killed: Callable[[Path], None]
) -> None:
    root = make_project(
        {
            "app/slow.py": "",
            "tests/test_app_integration.py": "",
            "tests/app/test_slow.py": hanging_test,
        }
    )

    result = harness.run_check(
        "test_check", root, config={"daemon": {"test_check": {"timeout_seconds": 5}}}
    )

    assert result.status == "error"
    assert "pytest did not finish within" in result.message
    assert result.duration_seconds is not None and result.duration_seconds < 15
    assert_killed(root / "pids.txt")


def test_a_project_that_is_not_a_git_repository(harness: AutocodeHarness, make_project) -> None:
    root = make_project(
        {
            "tool.py": "def run():\n    return 0\n",
            "tests/test_tool.py": "from tool import run\n\ndef test_run():\n    assert run() == 0\n",
            "node_modules/dep/script.py": "",
            "build/lib/tool.py": "",
        },
        git=False,
    )

    result = harness.run_check("test_check", root)

    assert result.status == "success", result.details
    assert result.details["file_listing"] == "walk"
    assert result.details["code_files"] == 1


def test_src_layout_with_custom_patterns_and_exemptions(
    harness: AutocodeHarness, make_project
) -> None:
    root = make_project(
        {
            "src/shop/__init__.py": "",
            "src/shop/cart.py": "def total(items):\n    return sum(items)\n",
            "src/shop/_version.py": "VERSION = '1'\n",
            "src/shop/payments/__init__.py": "",
            "src/shop/payments/card.py": "",
            "tests/unit/shop/cart_test.py": (
                "import sys\nsys.path.insert(0, 'src')\nfrom shop.cart import total\n\n"
                "def test_total():\n    assert total([1, 2]) == 3\n"
            ),
            "tests/unit/shop/payments/card_test.py": "def test_card():\n    pass\n",
            "tests/e2e/test_checkout.py": (
                "from pathlib import Path\n\nPath('e2e-ran').write_text('')\n\n"
                "def test_checkout():\n    pass\n"
            ),
            "tests/unit/helpers_test.py": "",
        }
    )
    settings = {
        "layout": {
            "source_roots": ["src"],
            "unit_test": "tests/unit/{dir}/{name}_test.py",
            "integration_test": "tests/integration/test_{folder}.py",
            "exempt": ["_version.py", "tests/unit/helpers_test.py"],
        },
        "scope": "mapped",
    }

    result = harness.run_check("test_check", root, settings=settings)

    assert result.status == "warning"
    assert result.message == "⚠️ 2 test files missing"
    missing = [(e["test"], e["code"]) for e in result.details["attention"]]
    assert missing == [
        ("tests/integration/test_payments.py", ["src/shop/payments/"]),
        ("tests/integration/test_shop.py", ["src/shop/"]),
    ]
    assert result.details["counts"]["unit"]["passing"] == 2
    assert not (root / "e2e-ran").exists()  # exempt tests are not run


def test_a_project_without_pytest_is_an_error_that_says_so(
    harness: AutocodeHarness, make_project, python_without_pytest: Path
) -> None:
    root = make_project({"app/a.py": "", "tests/app/test_a.py": "def test_a():\n    pass\n"})
    (root / ".venv").symlink_to(python_without_pytest.parent.parent, target_is_directory=True)

    result = harness.run_check("test_check", root)

    assert result.status == "error"
    assert "pytest is not installed for" in result.message
    assert os.fspath(root / ".venv" / "bin" / "python") in result.message


def test_installed_plugin_runs_from_the_cli(make_project) -> None:
    root = make_project(PASSING_PROJECT)
    autocode = Path(sys.executable).with_name("autocode")
    done = subprocess.run(
        [os.fspath(autocode), "check", "test_check", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (result,) = json.loads(done.stdout)["results"]
    assert result["message"] == "✅ All tests found and passing (5 tests in 4 files, 1 skipped)"


def test_git_hook_variables_do_not_redirect_the_listing(
    harness: AutocodeHarness, make_project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when ``autocode check`` runs from a hook of another repository (the listing
    had no environment policy of its own before the toolkit)."""
    other = make_project({"theirs/x.py": "", "theirs/y.py": ""}, name="other")
    (other / ".git" / "info" / "exclude").write_text("*\n")  # leakage would hide ours
    root = make_project({"app/a.py": "", "tests/app/test_a.py": ""})
    monkeypatch.setenv("GIT_DIR", os.fspath(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", os.fspath(other / ".git" / "index"))

    result = harness.run_check("test_check", root, settings={"auto_execute": False})

    assert result.details["file_listing"] == "git"
    assert result.details["code_files"] == 1
    assert [e["test"] for e in result.details["attention"]] == ["tests/app/test_app_integration.py"]
