"""The public surface: ``__all__`` is complete and importing the core stays light."""

from __future__ import annotations

import subprocess
import sys

import autocode_core

REQUIRED = {
    "CheckResult", "CheckConfig", "CheckContext", "DaemonStatus", "AutocodeConfig", "DaemonConfig",
    "ApiConfig", "NotificationConfig", "CheckPlugin", "hookimpl", "AutocodeDaemon", "Scheduler",
}


def test_all_lists_every_public_name() -> None:
    public = {n for n in dir(autocode_core) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(autocode_core, n)).__name__ == "module"}
    assert set(autocode_core.__all__) == public - modules
    assert REQUIRED <= set(autocode_core.__all__)


def test_import_does_not_pull_heavy_dependencies() -> None:
    code = (
        "import sys, autocode_core, autocode_core.cli.main;"
        "bad = [m for m in ('git', 'tiktoken', 'pytest', 'fastapi', 'starlette', 'uvicorn') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
