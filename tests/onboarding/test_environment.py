"""The project's interpreter: .venv, venv, $VIRTUAL_ENV; whether it has pytest."""

from __future__ import annotations

import subprocess
import sys

from autocode_core.onboarding.decisions import Plan
from autocode_core.onboarding.environment import decide_python, find_environments
from autocode_core.testing import make_git_repo


def _venv(path, system: bool) -> None:
    args = [sys.executable, "-m", "venv", "--without-pip", str(path)]
    subprocess.run([*args, "--system-site-packages"] if system else args, check=True)


def test_project_venvs_in_order_and_pytest_checked(tmp_path) -> None:
    make_git_repo(tmp_path)
    _venv(tmp_path / "venv", system=False)
    plan = Plan()
    decide_python(tmp_path, plan, environ={})
    assert plan.settings() == {"checks": {"test_check": {"python": "venv/bin/python"}}}
    assert "has no pytest" in plan.notes[-1] and plan.gitignore == ["venv/"]
    _venv(tmp_path / ".venv", system=True)
    assert [p.parent.parent.name for p, _ in find_environments(tmp_path, {})] == [".venv", "venv"]
    plan = Plan()
    decide_python(tmp_path, plan, environ={"VIRTUAL_ENV": str(tmp_path / "venv")})
    assert plan.decisions[0].value == "venv/bin/python" and "$VIRTUAL_ENV" in plan.decisions[0].why


def test_none_found_says_which_interpreter_runs_the_tests(tmp_path) -> None:
    plan = Plan()
    decide_python(tmp_path, plan, environ={"VIRTUAL_ENV": "/elsewhere"})
    assert plan.decisions == [] and "interpreter that runs autocode" in plan.notes[0]
