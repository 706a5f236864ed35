"""A worker process driven through its real protocol, and what a run in it sees."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest

from autocode_core import AutocodeConfig
from autocode_core.run.process.pool import WorkerProcess
from autocode_core.run.process.protocol import PluginRef, PreloadRequest, WorkRequest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_a_worker_preloads_runs_logs_and_keeps_running(nasty, project) -> None:
    module = next(p for p in __import__("sys").path if "site-" in p)
    target = next(Path(module).glob("nasty_checks_*.py")).stem
    ref = PluginRef("ok_check", f"{target}:Ok", "ok_check (nasty-checks 6.6)")
    async with anyio.create_task_group() as tg:
        worker = await WorkerProcess.spawn(tg)
        await worker.send(PreloadRequest((ref,)))
        messages = []
        for run in ("r1", "r2"):
            await worker.send(WorkRequest(run, ref, "ok_check", project, None, AutocodeConfig(), 10, "manual"))
            while True:
                message = await worker.receive()
                messages.append(message)
                if message["type"] == "result":
                    break
        await anyio.sleep(0.2)  # the output relay
        assert worker.process.returncode is None and worker.rss_bytes() > 0
        tail = list(worker.output_tail)
        await worker.end()
        tg.cancel_scope.cancel()
    results = [m for m in messages if m["type"] == "result"]
    assert [r["run_id"] for r in results] == ["r1", "r2"]
    assert results[0]["result"]["status"] == "success"
    assert results[0]["result"]["details"]["pid"] == results[1]["result"]["details"]["pid"]  # warm: one process
    logs = [m for m in messages if m["type"] == "log"]
    assert logs[0]["event"] == "hello_from_worker" and logs[0]["check"] == "ok_check"
    assert logs[0]["plugin"] == "ok_check" and logs[0]["level"] == "info"
    assert "printed by the plugin" in tail  # stdout of the plugin is output, not protocol


def test_logs_reach_the_command_lines_structlog_with_check_and_plugin(nasty, project, run_autocode) -> None:
    done, _ = run_autocode(nasty, "check", "ok_check", "--log-level", "info", "--log-format", "json", cwd=project)
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    hello = next(e for e in events if e["event"] == "hello_from_worker")
    assert hello["check"] == "ok_check" and hello["plugin"] == "ok_check"
    output = next(e for e in events if e["event"] == "check_output")
    assert output["line"] == "printed by the plugin" and output["check"] == "ok_check"


def test_no_virtual_memory_limit_on_check_subprocesses(nasty, project, run_autocode) -> None:
    done, _ = run_autocode(nasty, "check", "ulimit_check", cwd=project)
    assert done.returncode == 0 and "virtual memory limit: unlimited" in done.stdout
