"""How the command line shows results and configuration."""

from __future__ import annotations

import json

from autocode_core import CheckResult
from autocode_core.cli.report import exit_code, format_result, results_json


def r(status, message, **details) -> CheckResult:
    return CheckResult(check_name="c", status=status, message=message, details=details, duration_seconds=0.5)


def test_format_keeps_the_plugins_icon_or_adds_one() -> None:
    assert format_result(r("warning", "📊 3 files changed"), color=False) == "📊 c: 3 files changed (0.50s)"
    assert format_result(r("success", "fine\nsecond line"), color=False) == "✅ c: fine (0.50s)"
    assert format_result(r("error", "bad"), color=True) == "❌ \033[31mc\033[0m: bad (0.50s)"


def test_exit_codes() -> None:
    assert exit_code([r("success", "a")]) == 0
    assert exit_code([r("success", "a"), r("warning", "b")]) == 1
    assert exit_code([r("error", "tests failing")]) == 1
    assert exit_code([r("warning", "b"), r("error", "x", failure="timeout")]) == 3


def test_results_json() -> None:
    doc = json.loads(results_json([r("success", "a")], "/p", 0))
    assert doc["schema_version"] == 1 and doc["summary"] == {"success": 1, "warning": 0, "error": 0}
