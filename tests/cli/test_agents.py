"""``autocode mcp``: registered with help; serving is tested in tests/mcp/test_server.py."""

from __future__ import annotations

import subprocess
import sys


def test_mcp_command_has_help() -> None:
    done = subprocess.run([sys.executable, "-m", "autocode_core.cli", "mcp", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "over stdio" in done.stdout
