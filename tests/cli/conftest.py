"""Fixtures of the command-line tests: projects whose plugins are installed distributions
(one that marks its runs, one whose checks report findings), and the real ``autocode``
command run against them in subprocesses."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHECKS = """
import os
import pathlib
import time

from autocode_core import CheckPlugin, CheckResult


def _mark(name):
    with open(os.environ["AUTOCODE_TEST_MARKS"], "a") as handle:
        handle.write(name + "\\n")


class Marked(CheckPlugin):
    \"\"\"Appends its name to $AUTOCODE_TEST_MARKS each time it runs.\"\"\"

    name = "marked_check"

    def execute(self, context):
        _mark(self.name)
        status = os.environ.get("AUTOCODE_TEST_STATUS", "success")
        return CheckResult(status=status, message=f"marked ({status})")


class Meet(CheckPlugin):
    \"\"\"Off by default; waits (10 s at most) until the other one has started too.\"\"\"

    name = "meet_a"
    other = "meet_b"
    enabled = False

    def execute(self, context):
        _mark(self.name)
        folder = pathlib.Path(os.environ["AUTOCODE_TEST_MARKS"]).parent
        (folder / (self.name + ".started")).touch()
        deadline = time.monotonic() + 10
        while not (folder / (self.other + ".started")).exists():
            if time.monotonic() > deadline:
                return CheckResult(status="error", message=self.other + " never started")
            time.sleep(0.02)
        return CheckResult(status="success", message="met " + self.other)


class MeetB(Meet):
    name = "meet_b"
    other = "meet_a"
"""

TOML = """\
[daemon]
run_at_start = false

[daemon.marked_check]
interval_minutes = 60
"""

#: runs the CLI with an audit hook that logs every ``flock`` call (path, operation)
AUDITED = """
import json, os, sys
_log = open(os.environ["AUTOCODE_TEST_AUDIT"], "a")
def _hook(event, args):
    if event == "fcntl.flock":
        try:
            path = os.readlink("/proc/self/fd/%d" % args[0])
        except OSError:
            path = "?"
        _log.write(json.dumps([path, args[1]]) + "\\n")
        _log.flush()
sys.addaudithook(_hook)
from autocode_core.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass
class Daemon:
    """An ``autocode daemon`` subprocess and what it logged on stderr (JSON lines)."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"{text!r} not logged; got {self.lines}")
            time.sleep(0.02)


@dataclass
class Cli:
    """A project folder with the test plugins installed, and ways to run ``autocode`` on it."""

    root: Path
    env: dict[str, str]
    marks_file: Path

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``python -m autocode_core.cli ARGS`` in the project; never raises for the exit code."""
        return subprocess.run(
            [sys.executable, "-m", "autocode_core.cli", *args],
            cwd=self.root,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
        )

    def run_audited(
        self, *args: str
    ) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, int]]]:
        """``run`` with every ``flock`` the process makes logged: (path, operation)."""
        import json

        audit = self.marks_file.parent / f"audit-{time.monotonic_ns()}.jsonl"
        done = subprocess.run(
            [sys.executable, "-c", AUDITED, *args],
            cwd=self.root,
            env={**self.env, "AUTOCODE_TEST_AUDIT": str(audit)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        calls = (
            [tuple(json.loads(line)) for line in audit.read_text().splitlines()]
            if audit.exists()
            else []
        )
        return done, calls

    @property
    def state_dir(self) -> Path:
        return self.root / ".autocode"

    def state(self) -> dict[str, tuple[str, int]] | None:
        """``state_of`` the project's state folder."""
        return state_of(self.state_dir)

    def marks(self) -> list[str]:
        """Names of the checks that ran, in order, over every process."""
        return self.marks_file.read_text().split() if self.marks_file.exists() else []

    @contextmanager
    def daemon(self, *args: str) -> Iterator[Daemon]:
        """An ``autocode daemon`` (any free port) until the block ends; then SIGTERM and exit 0."""
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autocode_core.cli",
                "daemon",
                "--port",
                "0",
                "--log-format",
                "json",
                *args,
            ],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        running = Daemon(proc)
        reader = threading.Thread(
            target=lambda: running.lines.extend(iter(proc.stderr.readline, "")), daemon=True
        )
        reader.start()
        try:
            running.wait_for('"daemon_started"')
            yield running
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0, running.lines
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            reader.join(10)
            proc.stderr.close()


def state_of(folder: Path) -> dict[str, tuple[str, int]] | None:
    """Each file of a state folder: (sha256, mtime_ns), SQLite's -wal/-shm left out; None if
    there is no folder."""
    if not folder.exists():
        return None
    return {
        path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.iterdir())
        if not path.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture
def cli(project: Path, make_dist, unique, tmp_path: Path) -> Cli:
    """The ``project`` folder with ``marked_check``, ``meet_a``/``meet_b`` and a plugin that
    fails to import (``broken_check``) installed; first-party plugins are disabled."""
    checks, broken = unique("cli_checks"), unique("cli_broken")
    site = make_dist(
        "cli-checks",
        {checks: CHECKS},
        {
            "marked_check": f"{checks}:Marked",
            "meet_a": f"{checks}:Meet",
            "meet_b": f"{checks}:MeetB",
        },
    )
    make_dist(
        "broken-plugin",
        {broken: "raise ImportError('missing dependency foo')"},
        {"broken_check": broken},
        "0.3",
    )
    (project / "autocode.toml").write_text(TOML)
    outside = tmp_path / "outside"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    env["AUTOCODE_DISABLE_PLUGINS"] = "doc_check,git_check,test_check"
    env["AUTOCODE_TEST_MARKS"] = str(outside / "marks.txt")
    return Cli(project, env, outside / "marks.txt")


# -- a distribution whose checks report findings (formats and views) ------------------

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
