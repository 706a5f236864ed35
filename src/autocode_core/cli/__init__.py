"""The ``autocode`` command line: a thin layer over the project and the daemon."""

from autocode_core.cli.main import main

__all__ = ["main"]
