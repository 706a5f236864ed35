"""Turning whatever a run produced into a ``CheckResult``.

Every way a check can end becomes data: ``error_result`` builds the ``error``
result the core reports when a check could not run (``details["failure"]``
says why, ``details["plugin"]`` names the plugin), and ``result_from_value``
accepts what ``execute`` returned or explains why it is not a result.
"""

from __future__ import annotations

from typing import Any, Literal

import structlog

from autocode_core.models import CheckResult, utc_now

__all__ = ["CANNOT_RUN", "FailureKind", "could_not_run", "error_result", "result_from_value"]

log = structlog.get_logger("autocode.runner")

FailureKind = Literal[
    "load_error", "plugin_error", "exception", "timeout", "invalid_result", "cancelled"
]
#: every ``FailureKind``: results carrying one mean "the check could not run" (exit code 3)
CANNOT_RUN: frozenset[str] = frozenset(FailureKind.__args__)  # type: ignore[attr-defined]


def error_result(check_name: str, message: str, failure: FailureKind, **details: Any) -> CheckResult:
    """An ``error`` result, stamped now, for a check that could not run.

    ``details["failure"]`` says why (the CLI exits 3 for these), ``details["plugin"]``
    names the plugin when known.
    """
    details["failure"] = failure
    return CheckResult(
        check_name=check_name,
        status="error",
        message=message if message.startswith("❌") else f"❌ {message}",
        details=details,
        timestamp=utc_now(),
        duration_seconds=0.0,
    )


def could_not_run(result: CheckResult) -> bool:
    """True for an error the core made because the check could not run."""
    return result.status == "error" and result.details.get("failure") in CANNOT_RUN


def result_from_value(check_name: str, plugin_label: str, plugin_name: str, value: Any) -> CheckResult:
    """``value`` if ``execute`` returned a ``CheckResult``, else an ``invalid_result`` error."""
    if isinstance(value, CheckResult):
        if value.check_name and value.check_name != check_name:
            log.warning("check_name_mismatch", returned=value.check_name, check=check_name)
        return value
    shown = repr(value)
    if len(shown) > 200:
        shown = shown[:200] + "…"
    return error_result(
        check_name,
        f"plugin {plugin_label} returned {type(value).__name__}, expected CheckResult: {shown}",
        "invalid_result",
        plugin=plugin_name,
    )
