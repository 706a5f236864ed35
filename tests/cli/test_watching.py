"""``autocode watch`` as a real subprocess: first results, a line per change run, Ctrl-C exits 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from queue import Empty, Queue

import anyio
import pytest


def _start(cli, *args: str) -> tuple[subprocess.Popen[str], Queue[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "autocode_core.cli", "watch", *args], cwd=cli.root, env=cli.env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: Queue[str] = Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def _next(lines: Queue[str], seconds: float = 20) -> str:
    try:
        return lines.get(timeout=seconds)
    except Empty:
        pytest.fail("no line from autocode watch")


def _edit_until_line(cli, lines: Queue[str], name: str) -> str:
    deadline = time.monotonic() + 20
    n = 0
    while time.monotonic() < deadline:
        n += 1
        (cli.root / name).write_text(f"edit {n}\n")
        try:
            return lines.get(timeout=0.5)
        except Empty:
            continue
    pytest.fail("an edit did not run the check")


def _interrupt(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)
    return proc.returncode, stderr


def test_watch_prints_the_first_result_then_one_line_per_change_and_exits_0_on_ctrl_c(autocode_cli) -> None:
    proc, lines = _start(autocode_cli)
    try:
        first = _next(lines)
        assert "tick_check" in first and "first result" in first
        changed = _edit_until_line(autocode_cli, lines, "notes.txt")
        assert "tick_check" in changed and "changed: notes.txt" in changed and "no change" in changed
    finally:
        code, stderr = _interrupt(proc)
    assert code == 0, stderr
    assert "Traceback" not in stderr


def test_watch_json_prints_one_document_per_result(autocode_cli) -> None:
    proc, lines = _start(autocode_cli, "--format", "json")
    try:
        first = json.loads(_next(lines))
        changed = json.loads(_edit_until_line(autocode_cli, lines, "notes.txt"))
    finally:
        code, stderr = _interrupt(proc)
    assert first["check"] == "tick_check" and first["trigger"] == "cli" and first["changed_paths"] is None
    assert first["change"]["previous_status"] is None and first["result"]["status"] == "success"
    assert changed["trigger"] == "change" and changed["changed_paths"] == ["notes.txt"]
    assert changed["changed_count"] == 1 and changed["change"]["summary"] == "no change"
    assert code == 0 and "Traceback" not in stderr


def test_watch_refuses_an_unknown_check(autocode_cli) -> None:
    done = autocode_cli("watch", "nope_check")
    assert done.returncode == 2 and "nope_check" in done.stderr


def test_the_daemon_watches_by_default_and_no_watch_turns_it_off() -> None:
    from autocode_core.cli.main import build_parser

    assert build_parser().parse_args(["daemon"]).watch is True
    assert build_parser().parse_args(["daemon", "--no-watch"]).watch is False


def test_partial_answers_are_printed_as_they_come_and_marked(tmp_path, capsys) -> None:
    from autocode_core import CheckResult
    from autocode_core.cli.watching import _Printer
    from autocode_core.daemon.events import DaemonEvent
    from autocode_core.testing import AutocodeHarness

    daemon = AutocodeHarness().daemon(tmp_path)
    partial = DaemonEvent(
        type="check_progress", check_name="test_check", trigger="change",
        result=CheckResult(check_name="test_check", status="error", message="❌ 1 test failing (affected tests)"),
        data={"partial": True},
    )

    async def follow(fmt: str) -> None:
        send, receive = anyio.create_memory_object_stream[DaemonEvent](4)
        with send:
            await send.send(partial)
        await _Printer(daemon, fmt, False).follow(receive)

    anyio.run(follow, "text")
    anyio.run(follow, "json")
    text, doc = capsys.readouterr().out.splitlines()
    assert text.endswith("(partial) ❌ test_check: 1 test failing (affected tests)")
    assert json.loads(doc)["partial"] is True and json.loads(doc)["status"] == "error"
    daemon.events.close()
