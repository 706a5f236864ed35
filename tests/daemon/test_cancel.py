"""``cancel_run``: a run in progress or queued ends as a recorded ``cancelled`` error."""

from __future__ import annotations

import os
import time

import anyio
import pytest

from autocode_core import CheckPlugin, CheckResult
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio


class Sleeps(CheckPlugin):
    """Starts a process tree that would run for a minute."""

    name = "sleepy_check"
    timeout_seconds = 30

    def execute(self, context):
        marker = context.project_root / "child.pid"
        context.run_process(["sh", "-c", f"sleep 60 & echo $! > {marker}; wait"])
        return CheckResult(status="success", message="never")


class Waits(CheckPlugin):
    name = "waiting_check"
    timeout_seconds = 30

    async def execute(self, context):
        await anyio.sleep(60)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is as good as gone
        return stat.read().split(")")[-1].split()[0] != "Z"


async def test_cancelling_a_running_check_ends_its_process_tree_and_records_the_run(tmp_path) -> None:
    h = AutocodeHarness()
    h.register(Sleeps)
    daemon = h.daemon(tmp_path, {"daemon": {"run_at_start": False}})
    async with daemon:
        with daemon.events.subscribe() as events:
            async with anyio.create_task_group() as tg:
                answers: list[CheckResult] = []

                async def run() -> None:
                    answers.append(await daemon.run_check("sleepy_check", "api"))

                tg.start_soon(run)
                with anyio.fail_after(5):
                    while not (tmp_path / "child.pid").exists() or not (tmp_path / "child.pid").read_text():
                        await anyio.sleep(0.02)
                child = int((tmp_path / "child.pid").read_text())
                started = time.perf_counter()
                run_id = daemon.cancel_run("sleepy_check", "cancelled from the dashboard")
                assert run_id is not None
            elapsed = time.perf_counter() - started
            completed = [e for e in _drain(events) if e.type == "check_completed"]
        assert elapsed < 3
        [result] = answers
        assert result.status == "error" and result.details["failure"] == "cancelled"
        assert "cancelled from the dashboard" in result.message
        assert completed and completed[-1].data["run_id"] == run_id
        with anyio.fail_after(3):
            while _alive(child):
                await anyio.sleep(0.05)
        [recorded] = daemon.get_history("sleepy_check", limit=5)
        assert recorded.trigger == "api" and recorded.details["failure"] == "cancelled"
        assert daemon.cancel_run("sleepy_check") is None  # nothing runs any more


async def test_a_queued_run_is_cancelled_before_it_starts(tmp_path) -> None:
    h = AutocodeHarness()
    h.register(Waits)
    h.register(Sleeps)
    daemon = h.daemon(tmp_path, {"daemon": {"run_at_start": False, "max_concurrent_checks": 1}})
    async with daemon:
        answers: dict[str, CheckResult] = {}

        async def run(name: str) -> None:
            answers[name] = await daemon.run_check(name)

        async with anyio.create_task_group() as tg:
            tg.start_soon(run, "waiting_check")
            with anyio.fail_after(5):
                while "waiting_check" not in daemon.running_checks:
                    await anyio.sleep(0.01)
            tg.start_soon(run, "sleepy_check")
            with anyio.fail_after(5):
                while "sleepy_check" not in daemon.running_checks:
                    await anyio.sleep(0.01)
            assert daemon.cancel_run("sleepy_check") is not None  # queued behind the limit
            assert daemon.cancel_run("waiting_check") is not None
    assert answers["sleepy_check"].details["failure"] == "cancelled"
    assert answers["sleepy_check"].duration_seconds == 0.0
    assert not (tmp_path / "child.pid").exists()  # it never started
    assert answers["waiting_check"].details["failure"] == "cancelled"


def _drain(events) -> list:
    got = []
    while True:
        try:
            got.append(events.receive_nowait())
        except anyio.WouldBlock:
            return got
