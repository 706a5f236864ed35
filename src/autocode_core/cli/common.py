"""What every ``autocode`` command shares: building the project, printing errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from autocode_core.project import Project

__all__ = ["EXIT_USAGE", "err", "project_from"]

EXIT_USAGE = 2


def project_from(args: argparse.Namespace, extra: Sequence[str] = ()) -> Project:
    """The project the command line names (``-C``, ``--profile``, ``--set``)."""
    return Project(args.project, profile=args.profile, overrides=[*args.overrides, *extra])


def err(message: str) -> None:
    """Print ``autocode: message`` on stderr."""
    print(f"autocode: {message}", file=sys.stderr)
