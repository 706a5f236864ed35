"""Every way a plugin can misbehave ends as an ``error`` result naming it."""

from __future__ import annotations

import os
import sys
import time

import anyio
import anyio.lowlevel
import pytest

from autocode_core import CheckPlugin, CheckResult, PluginError
from autocode_core.testing import AutocodeHarness


class Raises(CheckPlugin):
    name = "raises_check"

    def execute(self, context):
        raise ValueError("boom")


class ExpectedFailure(CheckPlugin):
    name = "expected_check"

    def execute(self, context):
        raise PluginError("pytest is not installed for /usr/bin/python3")


class Garbage(CheckPlugin):
    name = "garbage_check"

    def execute(self, context):
        return {"status": "success"}


class Exits(CheckPlugin):
    name = "exits_check"

    def execute(self, context):
        sys.exit(4)


class Hangs(CheckPlugin):
    name = "hang_check"
    timeout_seconds = 1

    def execute(self, context):
        context.run_process(["sh", "-c", "sleep 60 & sleep 60; wait"])
        return CheckResult(status="success", message="never")


class AsyncHangs(CheckPlugin):
    name = "async_hang_check"
    timeout_seconds = 0.5

    async def execute(self, context):
        await anyio.sleep(60)


class Partial(CheckPlugin):
    name = "partial_check"

    def execute(self, context):
        return CheckResult(status="warning", message="⚠️ 2 things", details={"n": 2})


class AsyncOk(CheckPlugin):
    name = "async_check"

    async def execute(self, context):
        await anyio.lowlevel.checkpoint()
        return CheckResult(status="success", message="async fine")


@pytest.fixture
def harness() -> AutocodeHarness:
    h = AutocodeHarness()
    for plugin in (Raises, ExpectedFailure, Garbage, Exits, Hangs, AsyncHangs, Partial, AsyncOk):
        h.register(plugin)
    return h


def test_a_raise_becomes_an_error_with_the_traceback(harness, tmp_path) -> None:
    result = harness.run_check("raises_check", tmp_path)
    assert result.status == "error"
    assert "raises_check" in result.message and "ValueError: boom" in result.message
    assert result.details["failure"] == "exception" and result.details["plugin"] == "raises_check"
    assert "ValueError" in result.details["traceback"]


def test_plugin_error_is_a_clean_message(harness, tmp_path) -> None:
    result = harness.run_check("expected_check", tmp_path)
    assert result.status == "error"
    assert result.message == "❌ pytest is not installed for /usr/bin/python3"
    assert "traceback" not in result.details


def test_a_value_that_is_not_a_checkresult_is_an_error(harness, tmp_path) -> None:
    result = harness.run_check("garbage_check", tmp_path)
    assert result.status == "error" and result.details["failure"] == "invalid_result"
    assert "returned dict, expected CheckResult" in result.message


def test_sys_exit_in_a_plugin_does_not_end_the_host(harness, tmp_path) -> None:
    result = harness.run_check("exits_check", tmp_path)
    assert result.status == "error" and "SystemExit" in result.message


def _live_processes(needle: bytes) -> list[int]:
    """Pids (not zombies) whose command line contains ``needle``, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ")
            with open(f"/proc/{entry}/stat") as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in cmdline and state != "Z":
            found.append(int(entry))
    return found


def test_timeout_is_reported_within_a_second_and_kills_the_process_tree(harness, tmp_path) -> None:
    started = time.monotonic()
    result = harness.run_check("hang_check", tmp_path)
    elapsed = time.monotonic() - started
    assert result.status == "error" and result.details["failure"] == "timeout"
    assert "timed out after 1s" in result.message and result.details["killed_processes"] == 1
    assert 1.0 <= elapsed < 2.0
    time.sleep(0.2)
    assert _live_processes(b"sleep 60") == []


def test_async_plugin_timeout(harness, tmp_path) -> None:
    started = time.monotonic()
    result = harness.run_check("async_hang_check", tmp_path)
    assert result.details["failure"] == "timeout"
    assert time.monotonic() - started < 1.5


def test_core_fills_name_timestamp_and_duration(harness, tmp_path) -> None:
    result = harness.run_check("partial_check", tmp_path)
    assert result.check_name == "partial_check"
    assert result.timestamp is not None and result.timestamp.tzinfo is not None
    assert result.duration_seconds is not None and result.duration_seconds >= 0
    assert result.details == {"n": 2}


def test_async_execute(harness, tmp_path) -> None:
    assert harness.run_check("async_check", tmp_path).message == "async fine"


def test_memory_limit_applies_to_check_subprocesses(tmp_path) -> None:
    class Hog(CheckPlugin):
        name = "hog_check"

        def execute(self, context):
            done = context.run_process(
                [
                    sys.executable,
                    "-c",
                    # held for a while, so the poll sees it even on a loaded machine
                    "import time; b = bytearray(400 * 1024 * 1024); time.sleep(1.5); print('ok')",
                ]
            )
            ok = done.returncode == 0
            return CheckResult(status="success" if ok else "error", message=done.stdout + done.stderr)

    h = AutocodeHarness()
    h.register(Hog)
    # the limit is resident memory of the check's subprocesses, watched while they run
    # (no virtual-memory rlimit: it broke threads and memory-mapped git packs)
    limited = h.run_check("hog_check", tmp_path, config={"daemon": {"check_memory_limit_mb": 200}})
    assert limited.status == "error" and limited.details["failure"] == "memory"
    assert "memory limit of 200 MB" in limited.message and limited.details["peak_memory_mb"] > 200
    roomy = h.run_check("hog_check", tmp_path, config={"daemon": {"check_memory_limit_mb": 2048}})
    assert roomy.status == "success"


class Chatty(CheckPlugin):
    name = "chatty_check"

    def execute(self, context):
        import structlog

        structlog.get_logger("some.library").info("plugin_side_event", n=1)
        context.logger.info("context_logger_event")
        return CheckResult(status="success", message="ok")


def test_plugin_logs_are_attributed_to_check_and_plugin(tmp_path) -> None:
    import structlog

    h = AutocodeHarness()
    h.register(Chatty, name="chatty_plugin")
    with structlog.testing.capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        h.run_check("chatty_check", tmp_path)
    mine = {e["event"]: e for e in logs if e["event"] in ("plugin_side_event", "context_logger_event")}
    assert set(mine) == {"plugin_side_event", "context_logger_event"}
    for event in mine.values():
        assert (event["check"], event["plugin"]) == ("chatty_check", "chatty_plugin")


def test_keyboard_interrupt_raised_by_an_inline_check_is_its_result(tmp_path) -> None:
    class Interrupts(CheckPlugin):
        name = "interrupts_check"

        def execute(self, context):
            raise KeyboardInterrupt

    class AsyncInterrupts(CheckPlugin):
        name = "async_interrupts_check"

        async def execute(self, context):
            raise KeyboardInterrupt

    h = AutocodeHarness()
    h.register(Interrupts)
    h.register(AsyncInterrupts)
    for name in ("interrupts_check", "async_interrupts_check"):
        result = h.run_check(name, tmp_path)
        assert result.details["failure"] == "exception" and "raised KeyboardInterrupt" in result.message
