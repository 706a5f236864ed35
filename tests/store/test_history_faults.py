"""Fault injection: ``kill -9`` of a daemon at random moments, and many
``autocode check`` processes at once, against one real history.

The processes are real ``autocode`` processes (``autocode_core.cli.main``),
forked from a warm parent so that starting one costs milliseconds instead of
the interpreter's start-up: 20 kills and 40 concurrent runs fit in a few
seconds on two cores. The HTTP server is left out (its import is blocked):
what is under test is the history.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from autocode_core.testing import make_git_repo

ZYGOTE = r"""
import json, os, sys, traceback
sys.modules["autocode_core.server"] = None  # no HTTP server: the history is under test
from autocode_core.cli.main import main

for line in sys.stdin:
    order = json.loads(line)
    if order["op"] == "wait":
        print(os.waitpid(order["pid"], 0)[1], flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        os.chdir(order["cwd"])
        log = os.open(order["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.environ.update(order["env"])
        try:
            code = main(order["args"])
        except BaseException:
            traceback.print_exc()
            code = 99
        sys.stderr.flush()
        os._exit(code or 0)
    print(pid, flush=True)
"""

PLUGIN = """
import os, uuid
from autocode_core import CheckPlugin, CheckResult

def _tick(context):
    token = uuid.uuid4().hex
    with open(os.environ["FAULT_JOURNAL"], "a") as journal:  # what ran, before it is stored
        journal.write(f"{os.environ.get('FAULT_LIFE', '-')} {context.check_name} {token}\\n")
    return CheckResult(status="success", message="✅ tick", details={"token": token, "pad": "x" * 4000})

class TickA(CheckPlugin):
    name = "tick_a"
    def execute(self, context):
        return _tick(context)

class TickB(CheckPlugin):
    name = "tick_b"
    def execute(self, context):
        return _tick(context)
"""

CONFIG = """\
[daemon]
run_at_start = true
execution = "inline"   # the checks in the daemon's process: the history is under test, not workers

[daemon.tick_a]
interval_minutes = 0.0166667   # the minimum, 1 second

[daemon.tick_b]
interval_minutes = 0.0166667
"""


class Zygote:
    """A warm parent that forks ``autocode`` processes on request."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def _ask(self, order: dict[str, object]) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(order) + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def spawn(self, args: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> int:
        return self._ask({"op": "spawn", "args": args, "cwd": str(cwd), "log": str(log), "env": env or {}})

    def wait(self, pid: int) -> int:
        """The raw wait status of a forked process."""
        return self._ask({"op": "wait", "pid": pid})

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()


@pytest.fixture
def project(tmp_path, make_dist, unique) -> Iterator[tuple[Path, Zygote]]:
    module = unique("fault_plugin")
    site = make_dist("fault-plugins", {module: PLUGIN},
                     {"tick_a": f"{module}:TickA", "tick_b": f"{module}:TickB"})
    repo = make_git_repo(tmp_path / "repo")
    repo.write("autocode.toml", CONFIG)
    repo.commit("initial")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env |= {"PYTHONPATH": os.pathsep.join([str(site), env.get("PYTHONPATH", "")]),
            "AUTOCODE_DISABLE_PLUGINS": "doc_check,git_check,test_check",
            "FAULT_JOURNAL": str(tmp_path / "journal.txt")}
    zygote = Zygote(env)
    yield repo.path, zygote
    zygote.close()


def _stored(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute("SELECT check_name, details FROM runs").fetchall()
    finally:
        conn.close()
    return [(name, json.loads(details)["token"]) for name, details in rows]


def _journal(path: Path) -> list[tuple[str, str, str]]:
    return [tuple(line.split()) for line in path.read_text().splitlines()]  # type: ignore[misc]


def test_kill_9_at_random_moments_loses_no_completed_run(project, tmp_path) -> None:
    root, zygote = project
    rng = random.Random(20261)
    logged: Counter[int] = Counter()
    for life in range(20):
        log = tmp_path / f"life-{life}.log"
        pid = zygote.spawn(["daemon", "--log-format", "json"], root, log, {"FAULT_LIFE": str(life)})
        time.sleep(rng.uniform(0.15, 0.9))  # start-up, a run, a write or idle: wherever it falls
        os.kill(pid, signal.SIGKILL)
        status = zygote.wait(pid)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, log.read_text()
        text = log.read_text()
        assert "Traceback" not in text, text
        logged[life] = text.count('"check_completed"')  # logged only once stored
    stored = _stored(root / ".autocode" / "history.db")
    ran = _journal(tmp_path / "journal.txt")
    tokens = {token for _, token in stored}
    assert tokens <= {token for _, _, token in ran}
    assert len(stored) >= sum(logged.values()) >= 20  # every run reported complete is there
    lost = Counter((life, check) for life, check, token in ran if token not in tokens)
    assert max(lost.values(), default=0) <= 1, lost  # at most the run in flight, per check and kill
    assert not list((root / ".autocode").glob("history.db.unreadable-*"))


def test_many_concurrent_check_processes_are_all_recorded(project, tmp_path) -> None:
    root, zygote = project
    logs = [tmp_path / f"check-{i}.log" for i in range(40)]
    pids = [zygote.spawn(["check", "tick_a"], root, log) for log in logs]  # no state folder yet
    statuses = [zygote.wait(pid) for pid in pids]
    problems = [log.read_text() for log in logs if log.read_text()]
    assert [os.waitstatus_to_exitcode(s) for s in statuses] == [0] * 40, problems
    assert problems == []
    stored = _stored(root / ".autocode" / "history.db")
    assert len(stored) == 40 and len({token for _, token in stored}) == 40
    assert (root / ".autocode" / ".autocode-state").exists()
