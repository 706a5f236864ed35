"""Logging setup of the command line."""

from __future__ import annotations

import io
import json

import structlog

from autocode_core.cli.logs import configure_logging, use_color


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_when_not_a_terminal_and_level_filtering() -> None:
    stream = io.StringIO()
    configure_logging(None, "info", stream)
    log = structlog.get_logger("t")
    log.debug("hidden")
    with structlog.contextvars.bound_contextvars(check="c1"):
        log.info("shown", n=1)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    assert lines[0]["event"] == "shown" and lines[0]["check"] == "c1" and lines[0]["level"] == "info"
    structlog.reset_defaults()


def test_console_on_a_terminal_and_no_color(monkeypatch) -> None:
    stream = FakeTTY()
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(stream)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(stream)
    configure_logging(None, "warning", stream)
    structlog.get_logger("t").warning("careful")
    assert "careful" in stream.getvalue() and "\033[" not in stream.getvalue()
    structlog.reset_defaults()
