"""Logging setup for the command line (a library never configures its host's logging).

Library code only calls ``structlog.get_logger()`` and logs snake_case events;
the runner binds ``check=`` and ``plugin=`` in context variables so a plugin's
own logs are attributed for free.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Literal, TextIO

import structlog

__all__ = ["configure_logging", "use_color"]

LogFormat = Literal["console", "json"]


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def configure_logging(
    fmt: LogFormat | None = None, level: str = "warning", stream: TextIO | None = None
) -> None:
    """Send structlog output to ``stream`` (stderr): console on a TTY, JSON otherwise."""
    stream = stream or sys.stderr
    fmt = fmt or ("console" if stream.isatty() else "json")
    renderer: structlog.typing.Processor
    if fmt == "console":
        renderer = structlog.dev.ConsoleRenderer(colors=use_color(stream))
    else:
        renderer = structlog.processors.JSONRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
