"""Check subprocesses: captured, bounded, killed with their whole group."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from autocode_core.run.processes import CheckProcesses, RunCancelledError


def test_run_captures_output_and_exit_code(tmp_path) -> None:
    done = CheckProcesses().run([sys.executable, "-c", "import sys; print('out'); sys.exit(3)"], cwd=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (3, "out")


def test_output_can_go_to_a_file_instead_of_a_pipe(tmp_path) -> None:
    code = "import sys; sys.stdout.write('x' * 300_000); sys.stderr.write('err'); sys.exit(2)"
    with (tmp_path / "out").open("w+b") as sink:
        done = CheckProcesses().run([sys.executable, "-c", code], stdout=sink, text=False)
        sink.seek(0)
        assert sink.read() == b"x" * 300_000
    assert (done.returncode, done.stdout, done.stderr) == (2, None, b"err")


def test_missing_command_raises_oserror() -> None:
    with pytest.raises(OSError):
        CheckProcesses().run(["definitely-not-a-command-xyz"])


def test_timeout_kills_the_group_and_raises() -> None:
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        CheckProcesses().run(["sh", "-c", "sleep 30 & wait"], timeout=0.3)
    assert time.monotonic() - started < 5


def test_kill_all_from_another_thread_cancels_the_run() -> None:
    procs = CheckProcesses()
    errors = []

    def work() -> None:
        try:
            procs.run(["sleep", "30"])
        except RunCancelledError as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.3)
    assert procs.kill_all() == 1
    thread.join(5)
    assert not thread.is_alive() and len(errors) == 1
    with pytest.raises(RunCancelledError):
        procs.run(["true"])
