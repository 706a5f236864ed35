"""Turning whatever a run produced into a ``CheckResult``.

Every way a check can end becomes data: ``error_result`` builds the ``error``
result the core reports when a check could not run (``details["failure"]``
says why, ``details["plugin"]`` names the plugin), and ``result_from_value``
accepts what ``execute`` returned or explains why it is not a result.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from enum import Enum
from pathlib import PurePath
from typing import Any, Literal

import structlog

from autocode_core.models import CheckResult, utc_now

__all__ = [
    "CANNOT_RUN",
    "MAX_DETAILS_BYTES",
    "FailureKind",
    "could_not_run",
    "error_result",
    "result_from_value",
    "sanitize_result",
]

#: the largest ``details`` a result may carry, as JSON (bulky output belongs in a file)
MAX_DETAILS_BYTES = 1024 * 1024
#: findings kept per result (the rest are counted in ``details["findings_truncated"]``)
MAX_FINDINGS = 1000

log = structlog.get_logger("autocode.runner")

FailureKind = Literal[
    "load_error",
    "plugin_error",
    "exception",
    "timeout",
    "invalid_result",
    "cancelled",
    "crashed",
    "memory",
    "unavailable",  # the executor could not take the run (a remote broker unreachable)
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


_SURROGATES = re.compile("[\ud800-\udfff]")


class _NotJSON(ValueError):
    def __init__(self, path: str, value: object) -> None:
        super().__init__(f"details{path} holds a {type(value).__name__}, which is not JSON")


def clean_text(text: str) -> str:
    """``text`` as valid UTF-8: lone surrogates become U+FFFD replacement characters."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)


def _json_value(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise _NotJSON(f"{path} key {key!r}", key)
            name = clean_text(str(key)) if not isinstance(key, str) else clean_text(key)
            out[name] = _json_value(item, f"{path}[{name!r}]")
        return out
    if isinstance(value, list | tuple):
        return [_json_value(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return clean_text(str(value))
    if isinstance(value, Enum):
        return _json_value(value.value, path)
    raise _NotJSON(path, value)


def sanitize_result(
    result: CheckResult, plugin_label: str, plugin_name: str, max_details_bytes: int = MAX_DETAILS_BYTES
) -> CheckResult:
    """``result`` made safe to show, store and send: the boundary every run crosses.

    Text becomes valid UTF-8 (replacement characters); ``details`` (and each
    finding's ``data``) must be JSON: dates and paths become strings,
    non-finite floats ``None``, anything else is an ``invalid_result`` error
    naming the key; details whose JSON is over ``max_details_bytes`` are an
    ``invalid_result`` error saying so (never stored whole); findings past
    ``MAX_FINDINGS`` are dropped and counted in ``details["findings_truncated"]``.
    """
    name = result.check_name
    try:
        details = _json_value(result.details, "")
    except _NotJSON as exc:
        return error_result(
            name, f"plugin {plugin_label} returned a result whose {exc}", "invalid_result", plugin=plugin_name
        )
    size = len(json.dumps(details, ensure_ascii=False).encode("utf-8"))
    if size > max_details_bytes:
        return error_result(
            name,
            f"plugin {plugin_label} returned {size:,} bytes of details, over the "
            f"{max_details_bytes:,}-byte cap (put bulky output in a file and its path in details)",
            "invalid_result",
            plugin=plugin_name,
            details_bytes=size,
        )
    findings = []
    for finding in result.findings[:MAX_FINDINGS]:
        try:
            data = _json_value(finding.data, f" of finding {finding.message[:40]!r}")
        except _NotJSON as exc:
            return error_result(
                name, f"plugin {plugin_label} returned a finding whose {exc}", "invalid_result", plugin=plugin_name
            )
        findings.append(finding.model_copy(update={
            "message": clean_text(finding.message),
            "path": clean_text(finding.path) if finding.path is not None else None,
            "id": clean_text(finding.id) if finding.id is not None else None,
            "data": data,
        }))
    if len(result.findings) > MAX_FINDINGS:
        details = {**details, "findings_truncated": len(result.findings) - MAX_FINDINGS}
    return result.model_copy(
        update={
            "message": clean_text(result.message),
            "check_name": clean_text(name),
            "details": details,
            "findings": findings,
        }
    )
