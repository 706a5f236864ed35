"""``autocode mcp``: the Model Context Protocol server for coding agents, over stdio.

An agent's configuration starts it in the project: ``{"command": "autocode",
"args": ["mcp"]}``. It needs the ``mcp`` extra (``pip install
'autocode-core[mcp]'``); without it the command says so and exits 2. See
``autocode_core.mcp`` for the tools and where their answers come from.
"""

from __future__ import annotations

import argparse

from autocode_core.cli.common import EXIT_USAGE, err, project_from

__all__ = ["add_parser", "mcp"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Register ``autocode mcp``."""
    sub.add_parser(
        "mcp", parents=[common],
        help="serve the MCP tools (list_checks, run_check, check_status, ...) over stdio for coding agents",
        description="Serve autocode's MCP tools over stdio for the project found from the working directory.",
    )


def mcp(args: argparse.Namespace) -> int:
    """Serve MCP over stdin/stdout until the client closes them."""
    try:
        from autocode_core.mcp.server import serve_stdio
    except ImportError as exc:
        err(f"the MCP server needs the mcp extra: pip install 'autocode-core[mcp]' ({exc})")
        return EXIT_USAGE
    serve_stdio(project_from(args))
    return 0
