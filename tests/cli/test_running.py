"""``autocode check``: formats, findings under each line, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import autocode


def test_verbose_prints_findings_cut_with_a_count(findings_env, project) -> None:
    done = autocode(findings_env, "check", "-v", cwd=project)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("❌ failing_check: 15 tests failing"))
    assert lines[start + 1] == "    15 failing tests in 1 file, 1 missing test"
    assert lines[start + 2] == "    ✗ tests/test_a.py::test_1: assert 1 == 0"
    assert lines[start + 12] == "    … and 6 more (5 failing tests in 1 file, 1 missing test)"
    assert any(line.startswith("✅ quiet_check: fine") for line in lines)
    every = autocode(findings_env, "check", "failing_check", "-vv", cwd=project).stdout.splitlines()
    assert len(every) == 1 + 1 + 16 and every[-1] == "    ! pkg/b.py has no test"
    few = autocode(findings_env, "check", "failing_check", "-v", "--max-items", "2", cwd=project)
    assert few.stdout.splitlines()[-1] == "    … and 14 more (13 failing tests in 1 file, 1 missing test)"
    plain = autocode(findings_env, "check", "failing_check", cwd=project).stdout
    assert len(plain.splitlines()) == 1


def test_json_alias_and_findings_in_json(findings_env, project) -> None:
    done = autocode(findings_env, "check", "failing_check", "--json", cwd=project)
    doc = json.loads(done.stdout)
    assert done.returncode == 1 and doc["exit_code"] == 1
    assert len(doc["results"][0]["findings"]) == 16


def test_github_and_junit(findings_env, project) -> None:
    github = autocode(findings_env, "check", "failing_check", "--format", "github", cwd=project)
    assert github.returncode == 1
    assert "::error file=tests/test_a.py,line=1,title=failing_check%3A failing test::" in github.stdout
    junit = autocode(findings_env, "check", "--format", "junit", cwd=project)
    assert junit.returncode == 1 and junit.stdout.count("<failure ") == 16


def test_a_closed_pipe_keeps_the_exit_code_and_prints_no_traceback(findings_env, project) -> None:
    for fmt, reader in [("json", "head -c 10 >/dev/null"), ("text", "true"), ("junit", "true")]:
        shell = (f"{sys.executable} -m autocode_core.cli check failing_check --format {fmt} -vv "
                 f"| {reader}; echo \"exit=${{PIPESTATUS[0]}}\"")
        done = subprocess.run(["bash", "-c", shell], env=findings_env, cwd=project,
                              capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == "exit=1", (fmt, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_the_pre_commit_hooks_run_autocode_check(findings_env, project) -> None:
    from pathlib import Path

    manifest = (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text()
    hooks = [line.split(":", 1)[1].strip() for line in manifest.splitlines() if line.startswith("- id:")]
    assert hooks == ["autocode", "autocode-system"]
    assert manifest.count("entry: autocode check\n") == 2 and manifest.count("pass_filenames: false") == 2
    done = autocode(findings_env, "check", "-v", "quiet_check", cwd=project)  # what the hook runs
    assert done.returncode == 0 and done.stdout.startswith("✅ quiet_check: fine")
