"""A third-party distribution of misbehaving checks, installed through the ``autocode``
entry-point group (a real ``.dist-info`` on ``PYTHONPATH``), for the isolation tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

NASTY = '''
import ctypes, os, subprocess, sys, threading, time
import anyio
from autocode_core import CheckPlugin, CheckResult

MARK = os.environ.get("NASTY_MARK", "nasty-mark")

class Ok(CheckPlugin):
    name = "ok_check"
    def execute(self, context):
        context.logger.info("hello_from_worker", worker=os.getpid())
        print("printed by the plugin")
        return CheckResult(status="success", message="fine", details={"pid": os.getpid()})

class Sleeps(CheckPlugin):
    name = "sleeps_check"
    timeout_seconds = 2
    def execute(self, context):
        time.sleep(600)

class AsyncSleeps(CheckPlugin):
    name = "async_sleeps_check"
    timeout_seconds = 2
    async def execute(self, context):
        await anyio.sleep(600)

class BlocksLoop(CheckPlugin):
    name = "blocks_loop_check"
    timeout_seconds = 2
    async def execute(self, context):
        time.sleep(30)
        return CheckResult(status="success", message="blocked the loop")

class Spins(CheckPlugin):
    name = "spins_check"
    timeout_seconds = 2
    def execute(self, context):
        while True:
            pass

class Hogs(CheckPlugin):
    name = "hogs_check"
    timeout_seconds = 60
    def execute(self, context):
        blocks = []
        for _ in range(40):  # 100 MB steps up to 4 GB
            blocks.append(bytearray(100 * 1024 * 1024))
            time.sleep(0.02)
        return CheckResult(status="success", message="allocated 4 GB")

class Segfaults(CheckPlugin):
    name = "segfaults_check"
    def execute(self, context):
        ctypes.string_at(0)

class Exits(CheckPlugin):
    name = "exits_check"
    def execute(self, context):
        os._exit(1)

class RaisesSystemExit(CheckPlugin):
    name = "system_exit_check"
    def execute(self, context):
        raise SystemExit(4)

class RaisesKeyboardInterrupt(CheckPlugin):
    name = "keyboard_interrupt_check"
    def execute(self, context):
        raise KeyboardInterrupt

class Spawns(CheckPlugin):
    name = "spawns_check"
    timeout_seconds = 2
    def execute(self, context):
        code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
        subprocess.Popen([sys.executable, "-c", code, MARK])
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", MARK])
        time.sleep(600)

class LeavesChild(CheckPlugin):
    name = "leaves_child_check"
    def execute(self, context):
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", MARK])
        return CheckResult(status="success", message="left a child behind")

class BigDetails(CheckPlugin):
    name = "big_details_check"
    def execute(self, context):
        return CheckResult(status="success", message="big", details={"blob": "x" * (50 * 1024 * 1024)})

class NotJson(CheckPlugin):
    name = "not_json_check"
    def execute(self, context):
        return CheckResult(status="success", message="odd \\udc80 text", details={"handle": object()})

class RunsChild(CheckPlugin):
    name = "runs_child_check"
    def execute(self, context):
        context.run_process([sys.executable, "-c", "import time; time.sleep(600)", MARK])
        return CheckResult(status="success", message="child ended")

class HangingListener(CheckPlugin):
    def on_check_completed(self, check_name, result):
        time.sleep(600)

class Ulimit(CheckPlugin):
    name = "ulimit_check"
    def execute(self, context):
        limit = context.run_process(["sh", "-c", "ulimit -v"]).stdout.strip()
        return CheckResult(status="success", message=f"virtual memory limit: {limit}")

class Threads(CheckPlugin):
    name = "threads_check"
    def execute(self, context):
        barrier = threading.Barrier(21)
        threads = [threading.Thread(target=barrier.wait) for _ in range(20)]
        for t in threads:
            t.start()
        barrier.wait()
        for t in threads:
            t.join()
        return CheckResult(status="success", message="20 threads")
'''

CLASSES = {
    "ok_check": "Ok", "sleeps_check": "Sleeps", "async_sleeps_check": "AsyncSleeps",
    "blocks_loop_check": "BlocksLoop", "spins_check": "Spins", "hogs_check": "Hogs",
    "segfaults_check": "Segfaults", "exits_check": "Exits", "system_exit_check": "RaisesSystemExit",
    "keyboard_interrupt_check": "RaisesKeyboardInterrupt", "spawns_check": "Spawns",
    "leaves_child_check": "LeavesChild", "big_details_check": "BigDetails",
    "not_json_check": "NotJson", "threads_check": "Threads", "runs_child_check": "RunsChild",
    "hanging_listener": "HangingListener", "ulimit_check": "Ulimit",
}


@pytest.fixture
def nasty(make_dist, unique, project) -> dict[str, str]:
    """The environment of an ``autocode`` process with the nasty distribution installed."""
    module = unique("nasty_checks")
    site = make_dist("nasty-checks", {module: NASTY}, {n: f"{module}:{c}" for n, c in CLASSES.items()}, "6.6")
    mark = unique("nasty-mark")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    env["NASTY_MARK"] = mark
    env["AUTOCODE_DISABLE_PLUGINS"] = "doc_check,git_check,test_check,hanging_listener"
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    yield env
    for process in leftovers(mark):  # never leak into other tests, whatever happened
        process.kill()


@pytest.fixture
def run_autocode():
    """``run_autocode(env, *args, cwd=...)``: a real ``autocode`` process and its wall time."""
    return autocode


@pytest.fixture
def find_leftovers():
    """``find_leftovers(mark)``: processes still alive that a test's plugins started."""
    return leftovers


def leftovers(mark: str) -> list[psutil.Process]:
    """Processes a test's plugins started (they carry ``mark`` on their command line)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if mark in (process.info["cmdline"] or []):
            found.append(process)
    return found


def autocode(env: dict[str, str], *args: str, cwd: Path, timeout: float = 90) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``autocode ARGS`` as a real process; returns it and its wall time."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "autocode_core.cli", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )
    return done, time.monotonic() - started
