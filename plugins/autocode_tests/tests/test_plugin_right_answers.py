"""Issue 12, items 6-9: test_check gives the answer pytest gives, on the project's own code.

Each test builds the situation in a real git repository and runs the real
check (real pytest subprocesses); counts are compared with a direct pytest run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from autocode_tests.plugin import TestCheckPlugin

from autocode_core.testing import AutocodeHarness

BUGGY_OPS = "def add(a, b):\n    return a - b  # the bug being worked on\n"
RELEASED_OPS = "def add(a, b):\n    return a + b\n"
OPS_TEST = "from calc.ops import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"


@pytest.fixture
def harness(autocode: AutocodeHarness) -> AutocodeHarness:
    autocode.register(TestCheckPlugin)
    return autocode


def _venv_with_release(root: Path, folder: str = ".venv") -> Path:
    """A virtual environment in ``root/folder`` with a released ``calc`` in its site-packages.

    Made without pip (fast); pytest comes from autocode's own environment through a ``.pth``.
    """
    venv = root / folder
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", os.fspath(venv)], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = venv / "lib" / version / "site-packages"
    (site / "calc").mkdir(parents=True)
    (site / "calc" / "__init__.py").write_text("")
    (site / "calc" / "ops.py").write_text(RELEASED_OPS)
    ours = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    lines = [f"import site; site.addsitedir({p!r})" for p in ours]  # editable installs too
    (site / "autocode_deps.pth").write_text("\n".join(lines) + "\n")
    return venv


def _pytest_counts(root: Path, python: Path | str = sys.executable) -> dict[str, int]:
    """``failed``/``passed``/... from a direct ``python -m pytest`` in ``root``."""
    done = subprocess.run(
        [os.fspath(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PY_COLORS": "0"},
    )
    summary = done.stdout.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}


def test_6_a_checkout_with_a_bug_is_not_reported_passing_over_an_installed_release(
    harness: AutocodeHarness, make_project
) -> None:
    root = make_project(
        {
            "src/calc/__init__.py": "",
            "src/calc/ops.py": BUGGY_OPS,
            "tests/calc/test_ops.py": OPS_TEST,
            ".gitignore": ".venv/\n",
        }
    )
    venv = _venv_with_release(root)

    result = harness.run_check("test_check", root, settings={"layout": {"integration_test": ""}})

    assert result.status == "error", result.message
    assert result.message.startswith("❌ 1 test failing in 1 file")
    assert result.details["python"] == os.fspath(venv / "bin" / "python")
    assert not any(f.kind == "interpreter_fallback" for f in result.findings)
    (failing,) = [f for f in result.findings if f.kind == "failing_test"]
    assert (failing.id, failing.line) == ("tests/calc/test_ops.py::test_add", 5)


def test_6_tests_that_import_an_installed_copy_are_reported_as_such(
    harness: AutocodeHarness, make_project
) -> None:
    """Even when the checkout's code cannot win (here a conftest puts the release first)."""
    root = make_project(
        {
            "src/calc/__init__.py": "",
            "src/calc/ops.py": BUGGY_OPS,
            "tests/calc/test_ops.py": OPS_TEST,
            ".gitignore": ".venv/\n",
        }
    )
    venv = _venv_with_release(root)
    site = next(venv.glob("lib/python*/site-packages"))
    (root / "tests" / "conftest.py").write_text(f"import sys\nsys.path.insert(0, {str(site)!r})\n")

    result = harness.run_check("test_check", root, settings={"layout": {"integration_test": ""}})

    assert result.status == "warning", result.message
    assert f"tests imported calc from {site}" in result.message
    assert result.findings[0].kind == "untrusted_run"


def test_6_falling_back_to_autocodes_interpreter_is_a_warning_finding(
    harness: AutocodeHarness, make_project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)
    root = make_project({"tool.py": "X = 1\n", "tests/test_tool.py": "def test_x():\n    pass\n"})

    result = harness.run_check("test_check", root)

    assert result.status == "success"
    (warning,) = [f for f in result.findings if f.kind == "interpreter_fallback"]
    assert warning.severity == "warning"
    assert "autocode's own interpreter" in warning.message
    assert result.details["warnings"][0]["kind"] == "interpreter_fallback"


SUITE = {
    "pytest.ini": "[pytest]\naddopts = --import-mode=importlib\ntestpaths = tests\n",
    "app/__init__.py": "",
    "app/core.py": "def one():\n    return 1\n",
    "tests/app/test_core.py": "from app.core import one\n\ndef test_one():\n    assert one() == 1\n",
    "tests/app/test_app_integration.py": (
        "import pytest\n\ndef test_it():\n    pass\n\n"
        "@pytest.mark.xfail(reason='known')\ndef test_known():\n    assert 0\n"
    ),
    "tests/test_basic.py": "def test_basic():\n    assert 1 + 1 == 3\n\ndef test_fine():\n    pass\n",
    "scratch/test_outside_testpaths.py": "def test_no():\n    assert False\n",
}


def test_7_the_whole_suite_runs_and_failures_anywhere_are_reported(
    harness: AutocodeHarness, make_project
) -> None:
    root = make_project(SUITE)

    result = harness.run_check("test_check", root)

    assert result.status == "error"
    # tests/test_basic.py follows the unit template for a basic.py that does not exist
    assert result.message == "❌ 1 test failing in 1 file, 1 orphaned test file"
    (entry,) = [e for e in result.details["attention"] if e["status"] == "failing"]
    assert (entry["test"], entry["kind"]) == ("tests/test_basic.py", "other")
    assert [f.id for f in result.findings if f.kind == "failing_test"] == [
        "tests/test_basic.py::test_basic"
    ]
    direct = _pytest_counts(root)  # the project's own testpaths: scratch/ does not run
    cases = result.details["cases"]
    ours = (cases["failed"], cases["passed"], cases["xfailed"])
    assert ours == (direct["failed"], direct["passed"], direct["xfailed"]) == (1, 3, 1)
    assert result.details["counts"]["other"]["failing"] == 1


def test_7_mapped_files_only_is_an_option(harness: AutocodeHarness, make_project) -> None:
    root = make_project(SUITE)

    result = harness.run_check("test_check", root, settings={"scope": "mapped"})

    assert result.status == "warning", result.message
    assert result.message == "⚠️ 1 orphaned test file"  # its failure is not looked at
    assert result.details["cases"]["failed"] == 0
    assert result.details["scope"] == "mapped"


def test_8_tests_that_never_ran_are_not_run_with_the_reason(
    harness: AutocodeHarness, make_project
) -> None:
    root = make_project(
        {
            "pytest.ini": (
                "[pytest]\naddopts = --import-mode=importlib -x -m 'not slow'\n"
                "markers =\n    slow: slow tests\n"
            ),
            "app/a.py": "",
            "app/b.py": "",
            "app/c.py": "",
            "app/d.py": "",
            "app/e.py": "",
            "tests/app/test_a.py": "def test_a():\n    assert False, 'broken'\n",
            "tests/app/test_b.py": "def test_b():\n    pass\n",
            "tests/app/test_c.py": "import pytest\n\n@pytest.mark.slow\ndef test_c():\n    pass\n",
            "tests/app/test_d.py": (
                "import pytest\n\n@pytest.mark.skip(reason='not on this box')\ndef test_d():\n    pass\n"
            ),
            "tests/app/test_e.py": "X = 1\n",
        }
    )

    result = harness.run_check("test_check", root, settings={"layout": {"integration_test": ""}})

    by_test = {e["test"]: e for e in result.details["attention"]}
    assert by_test["tests/app/test_a.py"]["status"] == "failing"
    assert by_test["tests/app/test_b.py"]["status"] == "not_run"
    assert by_test["tests/app/test_b.py"]["reason"].startswith("stopped early")
    assert by_test["tests/app/test_c.py"]["status"] == "not_run"
    assert by_test["tests/app/test_c.py"]["reason"] == "deselected (1 test)"
    assert by_test["tests/app/test_e.py"]["status"] == "empty"  # truly no tests
    unit = result.details["counts"]["unit"]
    assert by_test["tests/app/test_d.py"]["status"] == "not_run"  # -x came first
    assert (unit["not_run"], unit["empty"], unit["failing"]) == (3, 1, 1)
    assert result.message == (
        "❌ 1 test failing in 1 file, 1 test file has no tests, 3 test files not run"
    )
    assert result.details["stopped_early"]
    not_run = [f for f in result.findings if f.kind == "tests_not_run"]
    assert [f.path for f in not_run] == [f"tests/app/test_{x}.py" for x in "bcd"]


def test_8_a_file_skipped_by_a_marker_says_why(harness: AutocodeHarness, make_project) -> None:
    root = make_project(
        {
            "app/d.py": "",
            "tests/app/test_d.py": (
                "import pytest\n\n@pytest.mark.skip(reason='not on this box')\ndef test_d():\n    pass\n"
            ),
        }
    )
    result = harness.run_check("test_check", root, settings={"layout": {"integration_test": ""}})
    assert result.details["counts"]["unit"]["skipped"] == 1
    assert result.message == "✅ All tests found and passing (1 test in 1 file, 1 skipped)"
    (finding,) = [f for f in result.findings if f.kind == "tests_not_run"]
    assert finding.data["reason"] == "skipped: not on this box"
    assert finding.severity == "info" and finding.path == "tests/app/test_d.py"


def test_9_counts_say_tests_and_files(harness: AutocodeHarness, make_project) -> None:
    failing = "".join(f"def test_{i}():\n    assert {i} < 0\n\n" for i in range(6))
    root = make_project(
        {
            "app/a.py": "",
            "app/b.py": "",
            "tests/app/test_a.py": failing,
            "tests/app/test_b.py": "def test_x():\n    pass\n\ndef test_y():\n    pass\n",
        }
    )
    settings = {"layout": {"integration_test": ""}}
    result = harness.run_check("test_check", root, settings=settings)
    assert result.message == "❌ 6 tests failing in 1 file"
    assert _pytest_counts(root)["failed"] == 6

    (root / "tests" / "app" / "test_a.py").write_text("def test_ok():\n    pass\n")
    result = harness.run_check("test_check", root, settings=settings)
    assert result.message == "✅ All tests found and passing (3 tests in 2 files)"


def test_9_a_users_junitxml_does_not_break_the_check_and_gets_the_report(
    harness: AutocodeHarness, make_project
) -> None:
    root = make_project({"app/a.py": "", "tests/app/test_a.py": "def test_a():\n    assert 0\n"})
    settings = {
        "layout": {"integration_test": ""},
        "pytest_args": ["--junitxml", "reports/junit.xml"],
    }

    result = harness.run_check("test_check", root, settings=settings)

    assert result.status == "error" and result.message == "❌ 1 test failing in 1 file"
    assert "test_a" in (root / "reports" / "junit.xml").read_text()
    shutil.rmtree(root / "reports")


def test_8_a_test_file_outside_the_projects_testpaths_is_not_run_not_empty(
    harness: AutocodeHarness, make_project
) -> None:
    root = make_project(
        {
            "pytest.ini": "[pytest]\naddopts = --import-mode=importlib\ntestpaths = tests/unit\n",
            "app/a.py": "",
            "tests/app/test_a.py": "def test_a():\n    pass\n",
            "tests/unit/test_other.py": "def test_other():\n    pass\n",
        }
    )
    result = harness.run_check("test_check", root, settings={"layout": {"integration_test": ""}})
    (entry,) = [e for e in result.details["attention"] if e["test"] == "tests/app/test_a.py"]
    assert entry["status"] == "not_run"
    assert entry["reason"].startswith("not collected by the project's pytest configuration")
