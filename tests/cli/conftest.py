"""A plugin distribution whose checks report findings, for the command-line tests."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

FIRST_PARTY = "doc_check,git_check,test_check"

FINDINGS = """
from autocode_core import CheckPlugin, CheckResult, Finding

class Failing(CheckPlugin):
    name = "failing_check"
    def execute(self, context):
        found = [Finding(message=f"tests/test_a.py::test_{i}: assert {i} == 0", severity="error",
                         path="tests/test_a.py", line=i, kind="failing_test") for i in range(1, 16)]
        found.append(Finding(message="pkg/b.py has no test", path="pkg/b.py", kind="missing_test"))
        return CheckResult(status="error", message="❌ 15 tests failing, 1 missing", findings=found)

class Quiet(CheckPlugin):
    name = "quiet_check"
    def execute(self, context):
        return CheckResult(status="success", message="✅ fine")
"""


@pytest.fixture
def findings_env(make_dist, unique, project) -> dict[str, str]:
    module = unique("cli_findings")
    site = make_dist("findings-plugins", {module: FINDINGS},
                     {"failing_check": f"{module}:Failing", "quiet_check": f"{module}:Quiet"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    env["AUTOCODE_DISABLE_PLUGINS"] = FIRST_PARTY
    env["NO_COLOR"] = "1"
    return env


def autocode(env, *args, cwd=None, **kwargs) -> subprocess.CompletedProcess[str]:
    """``autocode ARGS`` as a real subprocess."""
    return subprocess.run([sys.executable, "-m", "autocode_core.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60, **kwargs)
