"""A process tree: found through /proc, measured, ended (SIGTERM, grace, SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil

from autocode_core.run.process.tree import (
    descendant_pids,
    end_tree,
    signal_description,
    tree_rss_bytes,
)

IGNORES_TERM = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"


def test_descendants_grandchildren_memory_and_ending_a_group() -> None:
    leader = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {IGNORES_TERM!r}]); time.sleep(60)"],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while len(descendant_pids(leader.pid)) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        (grandchild,) = descendant_pids(leader.pid)
        assert grandchild in [p.pid for p in psutil.Process(leader.pid).children(recursive=True)]
        assert tree_rss_bytes(leader.pid) > tree_rss_bytes(grandchild) > 1024 * 1024
        started = time.monotonic()
        alive = end_tree(leader.pid, [psutil.Process(grandchild)], grace=0.3)
        assert alive == 1 and time.monotonic() - started < 2
        assert leader.wait(5) == -signal.SIGTERM
        time.sleep(0.1)
        assert not psutil.pid_exists(grandchild) or psutil.Process(grandchild).status() == psutil.STATUS_ZOMBIE
    finally:
        leader.kill()
        leader.wait()


def test_exit_descriptions() -> None:
    assert signal_description(-signal.SIGSEGV).startswith("crashed with SIGSEGV")
    assert signal_description(3) == "exited with code 3"
    assert descendant_pids(os.getpid()) == [] or all(psutil.pid_exists(p) for p in descendant_pids(os.getpid()))
