"""How the command line shows results, plugins and configuration."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from autocode_core.formats.text import result_line
from autocode_core.models import CheckResult
from autocode_core.plugin.loader import PluginInfo
from autocode_core.run.outcome import could_not_run

__all__ = [
    "JSON_SCHEMA_VERSION",
    "exit_code",
    "format_plugins",
    "format_result",
    "results_json",
]

JSON_SCHEMA_VERSION = 1


def exit_code(results: Sequence[CheckResult]) -> int:
    """0 all success; 1 a check reported warning or error; 3 a check could not run."""
    if any(could_not_run(r) for r in results):
        return 3
    return 0 if all(r.status == "success" for r in results) else 1


def format_result(result: CheckResult, color: bool) -> str:
    """One line: ``<icon> <check>: <message> (<duration>)``."""
    return result_line(result, color)


def results_json(results: Iterable[CheckResult], project_root: str, code: int) -> str:
    """The versioned JSON document of ``autocode check --format json``."""
    items = [r.model_dump(mode="json") for r in results]
    summary = {s: sum(1 for r in items if r["status"] == s) for s in ("success", "warning", "error")}
    return json.dumps(
        {
            "schema_version": JSON_SCHEMA_VERSION,
            "project_root": project_root,
            "exit_code": code,
            "summary": summary,
            "results": items,
        },
        indent=2,
        ensure_ascii=False,
    )


def format_plugins(plugins: Sequence[PluginInfo]) -> str:
    """A human table of plugins."""
    if not plugins:
        return "no plugins installed (install one, e.g. `pip install autocode-git`)"
    lines = []
    for p in plugins:
        where = f"{p.distribution} {p.version}" if p.distribution else p.source
        what = f"check {p.check}" if p.check else ("listener" if "on_check_completed" in p.hooks else "-")
        lines.append(f"{p.name:<20} {p.status:<9} {what:<22} {where:<28} hooks: {', '.join(p.hooks) or '-'}")
        if p.error:
            lines.extend("    " + line for line in p.error.splitlines())
    return "\n".join(lines)
