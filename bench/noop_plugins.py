"""Plugins for the isolation benchmark, in a module worker processes can import."""

from __future__ import annotations

import time

from autocode_core import CheckPlugin, CheckResult

RESULT = CheckResult(status="success", message="noop")


class NoopCheck(CheckPlugin):
    """Returns at once."""

    name = "noop_check"
    interval_minutes = 600

    def execute(self, context):
        return RESULT


class SpinCheck(CheckPlugin):
    """Holds a CPU (and, inline, the GIL) for 10 s."""

    name = "spin_check"
    interval_minutes = 600

    def execute(self, context):
        end = time.perf_counter() + 10.0
        while time.perf_counter() < end:
            pass
        return CheckResult(status="success", message="spun")
