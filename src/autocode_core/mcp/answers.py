"""The text of every MCP answer: compact, and bounded in tokens (``BUDGETS``).

Answers are plain text an agent reads in one glance: a verdict line per check
(``❌ test_check: 6 tests failing (2 min ago)``), counts that say what they
count, then findings, one per line. Lists cut to fit end with a line saying
how many were left out, what they are, and how to see them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from autocode_core.formats.findings import count_phrase, more_phrase, ordered, plural
from autocode_core.formats.text import finding_line, result_line
from autocode_core.mcp.budget import TokenMeter, fit
from autocode_core.mcp.sources import CheckView
from autocode_core.models import CheckResult, utc_now

__all__ = [
    "BUDGETS",
    "changes_text",
    "details_text",
    "list_checks_text",
    "resource_json",
    "run_text",
    "status_text",
]

#: the most tokens (cl100k_base) each answer may take
BUDGETS = {
    "list_checks": 1000,
    "check_status": 1500,
    "run_check": 1500,
    "check_details": 4000,
    "changes_summary": 3000,
    "resource": 4000,
}
#: findings a run_check answer lists (check_details lists more)
RUN_ITEMS = 10


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "time unknown"
    seconds = max(0.0, (now - when).total_seconds())
    if seconds < 90:
        return f"{seconds:.0f}s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def verdict(result: CheckResult, now: datetime | None = None) -> str:
    """``❌ test_check: 6 tests failing (2 min ago)``."""
    line = result_line(result.model_copy(update={"duration_seconds": None}))
    return f"{line} ({_ago(result.timestamp, now or utc_now())})"


def _truncated(tool: str) -> str:
    return f"truncated to fit the {BUDGETS[tool]}-token budget of {tool}"


def list_checks_text(views: Sequence[CheckView], source: str, meter: TokenMeter) -> str:
    """``list_checks``: every check, what it checks, whether it runs, its last verdict."""
    head = [f"{plural(len(views), 'check')} (answers from {source}):"]
    items = []
    for view in views:
        flags = "" if view.enabled else " [disabled]"
        flags += " [running now]" if view.running else ""
        last = f"last: {verdict(view.result)}" if view.result else "never run"
        items.append(f"- {view.name}{flags}: {view.description or 'no description'}; {last}")
    return fit(meter, BUDGETS["list_checks"], head, items,
               lambda n, _: f"… and {n} more checks ({_truncated('list_checks')})")


def status_text(views: Sequence[CheckView], source: str, meter: TokenMeter) -> str:
    """``check_status``: one verdict line per check, worst first, with what its findings count."""
    ran = [v for v in views if v.result is not None]
    order = {"error": 0, "warning": 1, "success": 2}
    ran.sort(key=lambda v: (order.get(v.result.status, 3) if v.result else 3, v.name))
    counts = {s: sum(1 for v in ran if v.result and v.result.status == s) for s in order}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no results yet"
    head = [f"autocode: {summary} (answers from {source})"]
    items = []
    for view in ran:
        assert view.result is not None
        line = verdict(view.result)
        if view.result.findings:
            line += f" — {count_phrase(view.result.findings)}"
        items.append(line + (" [running now]" if view.running else ""))
    items += [f"· {v.name}: never run" for v in views if v.result is None]
    footer = ["Call run_check(name) to refresh a check, check_details(name) for what is wrong."]
    return fit(meter, BUDGETS["check_status"], head, items,
               lambda n, _: f"… and {n} more checks ({_truncated('check_status')})", footer)


def _findings_answer(
    result: CheckResult, tool: str, max_items: int, meter: TokenMeter, footer: Sequence[str] = (),
    fresh: bool = False,
) -> str:
    found = ordered(result.findings)
    head = [result_line(result) if fresh else verdict(result)]
    if found:
        head.append(f"{count_phrase(found)}:")
    shown = found[:max_items]
    lines = []
    for finding in shown:
        line = finding_line(finding)
        if finding.id and finding.id not in line:
            line += f" [{finding.id}]"
        lines.append(line)

    def tail(hidden: int, by_budget: bool) -> str:
        rest = found[len(found) - hidden:]
        why = _truncated(tool) if by_budget else f"max_items={max_items}"
        return f"{more_phrase(rest)}; {why}; call check_details(name, max_items=…) for more"

    return fit(meter, BUDGETS[tool], head, lines, tail, footer, hidden_before=len(found) - len(shown))


def run_text(result: CheckResult, meter: TokenMeter) -> str:
    """``run_check``: the fresh verdict and the first findings."""
    return _findings_answer(result, "run_check", RUN_ITEMS, meter, fresh=True)


def details_text(view: CheckView, max_items: int, meter: TokenMeter) -> str:
    """``check_details``: the latest verdict and its findings (ids, paths, lines, messages)."""
    if view.result is None:
        return f"{view.name} has never run: call run_check({view.name!r})."
    footer = ["(running now: this is the previous result)"] if view.running else []
    return _findings_answer(view.result, "check_details", max_items, meter, footer)


def changes_text(result: CheckResult, summary: dict[str, Any] | None, max_files: int, meter: TokenMeter) -> str:
    """``changes_summary``: branch, counts, token cost, then the costliest changed files."""
    head = [verdict(result)]
    if summary is None:
        head.append("(the summary file could not be read; changed files from the result)")
        files = [f.path or f.message for f in result.findings if f.kind == "changed_file"]
        items = [f"- {f}" for f in files]
    else:
        repo = summary.get("repository") or {}
        status = summary.get("repository_status") or {}
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in status.items()
                           if n and k not in ("total_files", "staged", "unstaged"))
        head.append(f"branch {repo.get('branch') or '(detached)'} at {str(repo.get('head') or 'no commit')[:12]}; "
                    f"{plural(status.get('total_files', 0), 'file')} changed" + (f" ({counts})" if counts else ""))
        tokens = summary.get("tokens") or {}
        if tokens:
            approx = "" if tokens.get("exact") else "~"
            head.append(f"{approx}{tokens.get('total')} tokens of diff ({tokens.get('encoding')}), "
                        f"threshold {tokens.get('threshold')}")
        per_file: dict[str, dict[str, Any]] = {}
        for change in summary.get("changes") or []:
            entry = per_file.setdefault(change["file"], {"status": set(), "add": 0, "del": 0, "tokens": 0})
            entry["status"].add(change.get("status"))
            entry["add"] += change.get("additions") or 0
            entry["del"] += change.get("deletions") or 0
            entry["tokens"] += change.get("tokens") or 0
        ranked = sorted(per_file.items(), key=lambda kv: (-kv[1]["tokens"], kv[0]))
        items = [
            f"- {path}: {'/'.join(sorted(s for s in e['status'] if s))} +{e['add']} -{e['del']}, {e['tokens']} tokens"
            for path, e in ranked
        ]
        files = [path for path, _ in ranked]
    shown = items[:max_files]
    return fit(meter, BUDGETS["changes_summary"], head, shown,
               lambda n, by_budget: f"… and {n} more changed files (cheapest last; "
               f"{_truncated('changes_summary') if by_budget else f'max_files={max_files}'})",
               hidden_before=len(files) - len(shown))


def resource_json(view: CheckView, meter: TokenMeter) -> str:
    """``autocode://checks/{name}``: the latest result as JSON, findings cut to fit."""
    result = view.result
    doc: dict[str, Any] = {"check_name": view.name, "running": view.running, "result": None}
    if result is None:
        return json.dumps(doc)
    found = ordered(result.findings)
    base = result.model_dump(mode="json", exclude={"details", "findings"})
    doc["result"] = base | {"findings_total": len(found), "findings": []}
    budget = BUDGETS["resource"]
    for finding in found:
        doc["result"]["findings"].append(finding.model_dump(mode="json", exclude_defaults=True))
        if meter.count(json.dumps(doc, ensure_ascii=False)) > budget - 40:
            doc["result"]["findings"].pop()
            doc["result"]["truncated"] = f"findings cut to fit the {budget}-token budget"
            break
    return json.dumps(doc, ensure_ascii=False)
