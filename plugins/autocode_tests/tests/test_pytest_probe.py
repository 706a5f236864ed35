"""The probe plugin inside a real pytest run: collected, deselected, stopped, visited, modules."""

from __future__ import annotations

import sys
from pathlib import Path

from autocode_tests.pytest_run import run_pytest

from autocode_core.testing import make_context


def test_the_probe_reports_what_pytest_did(make_project) -> None:
    root = make_project(
        {
            "pytest.ini": (
                "[pytest]\naddopts = --import-mode=importlib -x -m 'not slow'\n"
                "markers =\n    slow: slow\n"
            ),
            "src/calc/__init__.py": "",
            "tests/test_a.py": "import calc\n\ndef test_a():\n    assert False\n",
            "tests/test_b.py": "import pytest\n\ndef test_b():\n    pass\n\n@pytest.mark.slow\ndef test_c():\n    pass\n",
            "tests/test_empty.py": "",
        }
    )
    files = ["tests/test_a.py", "tests/test_b.py", "tests/test_empty.py"]
    run = run_pytest(
        make_context("test_check", root),
        Path(sys.executable),
        files,
        whole_suite=True,
        source_paths=["src"],
        modules=["calc", "absent"],
    )
    probe = run.probe
    assert probe is not None
    assert probe.collected == {"tests/test_a.py": 1, "tests/test_b.py": 2}
    assert probe.deselected == {"tests/test_b.py": 1}
    assert probe.stopped and "stopping after 1 failures" in probe.stopped
    assert probe.visited == frozenset(files)
    assert probe.modules == {"calc": str(root / "src" / "calc" / "__init__.py")}
    assert [c.id for c in run.cases] == ["tests/test_a.py::test_a"]
