"""What every ``autocode`` command shares: building the project, printing output and errors.

Output goes through ``out``: when the reader of stdout goes away (``autocode
check --format json | head -c 10``), the rest is dropped quietly, stdout is
pointed at the null device so the interpreter's last flush cannot fail, and
the command keeps its exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from autocode_core.project import Project

__all__ = ["EXIT_USAGE", "add_format", "err", "out", "project_from"]

EXIT_USAGE = 2
_closed = False


def project_from(args: argparse.Namespace, extra: Sequence[str] = ()) -> Project:
    """The project the command line names (``-C``, ``--profile``, ``--set``)."""
    return Project(args.project, profile=args.profile, overrides=[*args.overrides, *extra])


def out(text: str = "") -> None:
    """Print ``text`` and a newline on stdout; a closed pipe silences the rest."""
    global _closed
    if _closed:
        return
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        _closed = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # no file descriptor (captured in tests): nothing to flush
            pass


def err(message: str) -> None:
    """Print ``autocode: message`` on stderr."""
    with contextlib.suppress(BrokenPipeError):
        print(f"autocode: {message}", file=sys.stderr)


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json")) -> None:
    """``--format`` (default ``text``) and ``--json``, its alias for ``--format json``."""
    parser.add_argument(
        "--format", choices=list(choices), default="text",
        help=f"output format: {', '.join(choices)} (default: text)",
    )
    parser.add_argument(
        "--json", dest="format", action="store_const", const="json", help="same as --format json"
    )
