"""JUnit XML: valid against the Jenkins/Surefire schema, one testcase per check, one failure per problem.

``junit-10.xsd`` is vendored from pytest's own test suite (``testing/example_scripts/
junit-10.xsd`` in the pytest 9.2.0 sdist; MIT, from the Jenkins xUnit plugin).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from autocode_core.formats.junit import results_junit

xmlschema = pytest.importorskip("xmlschema", reason="pip install xmlschema (requirements-dev.txt)")
SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("junit-10.xsd"))


def test_valid_and_one_testcase_per_check(results) -> None:
    text = results_junit(results, now=datetime(2026, 1, 2, tzinfo=UTC))
    SCHEMA.validate(text)
    root = ElementTree.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.attrib | {"time": "x"} == {
        "name": "autocode", "tests": "5", "failures": "3", "errors": "1", "skipped": "0",
        "time": "x", "timestamp": "2026-01-02T00:00:00+00:00",
    }
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == ["test_check", "git_check", "doc_check", "broken_check", "odd_check"]
    failures = cases["test_check"].findall("failure")
    assert len(failures) == 8  # one per error or warning finding, errors first
    assert failures[0].get("type") == "failing_test"
    assert failures[0].get("message") == "tests/test_calc.py::test_1: assert 1 == 0"
    assert failures[0].text == "tests/test_calc.py:2\ntests/test_calc.py::test_1: assert 1 == 0"
    assert failures[-1].get("type") == "missing_test"
    (git,) = cases["git_check"].findall("failure")  # a warning with only notes: its message
    assert git.get("message") == "📊 1 file changed (1 modified)"
    assert cases["git_check"].findtext("system-out") == "· a.py changed (12 tokens)"
    assert list(cases["doc_check"]) == []
    (error,) = cases["broken_check"].findall("error")
    assert error.get("type") == "load_error"
    assert cases["odd_check"].find("failure").get("message") == "⚠️ something, no findings"


def test_the_command_writes_a_valid_report(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "autocode_core.cli", "check", "--format", "junit",
         "--set", "disable_plugins=[\"doc_check\",\"git_check\",\"test_check\"]"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    SCHEMA.validate(done.stdout)
    assert ElementTree.fromstring(done.stdout).find("testsuite").get("tests") == "0"
