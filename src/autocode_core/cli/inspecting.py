"""Commands that only read: ``show``, ``plugins``, ``config show``, ``status``, ``history``.

They build a ``Project`` and nothing else: no daemon, no scheduler, no lock,
and the history database only for reading, when it exists. Every one takes
``--format json`` (alias ``--json``); ``show``, ``status -v`` and ``history -v``
print each result's findings under its line.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from autocode_core.cli.common import EXIT_USAGE, err, out, project_from
from autocode_core.cli.logs import use_color
from autocode_core.cli.report import format_plugins, format_result
from autocode_core.config.display import config_data, format_config
from autocode_core.daemon.observation import take_snapshot
from autocode_core.daemon.snapshot import DaemonState
from autocode_core.errors import CheckNotFoundError
from autocode_core.formats.findings import ordered
from autocode_core.formats.text import finding_lines
from autocode_core.models import CheckResult
from autocode_core.store.results import ResultStore
from autocode_core.store.state_dir import DaemonLock

__all__ = ["config_show", "history", "plugins", "show", "status"]


def _dump(doc: dict[str, Any]) -> None:
    out(json.dumps(doc, indent=2, ensure_ascii=False, default=str))


def _limit(args: argparse.Namespace) -> int | None:
    """How many findings to show per result: ``None`` for all (``-vv``)."""
    return None if getattr(args, "verbose", 0) >= 2 else max(0, args.max_items)


def _findings_json(result: CheckResult, limit: int | None) -> dict[str, Any]:
    found = ordered(result.findings)
    shown = found if limit is None else found[:limit]
    return {"findings": [f.model_dump(mode="json") for f in shown], "findings_total": len(found)}


def plugins(args: argparse.Namespace) -> int:
    """``autocode plugins``: every plugin with its distribution, check, hooks and load status."""
    infos = project_from(args).plugins.plugins
    if args.format == "json":
        _dump({"schema_version": 1, "plugins": [p.to_dict() for p in infos]})
    else:
        out(format_plugins(infos))
    return 0


def config_show(args: argparse.Namespace) -> int:
    """``autocode config show``: the effective configuration, secrets masked."""
    config = project_from(args).config
    if args.format == "json":
        _dump(config_data(config))
    else:
        out(format_config(config))
    return 0


def show(args: argparse.Namespace) -> int:
    """``autocode show NAME``: the latest result of one check and its findings."""
    project = project_from(args)
    store = ResultStore.for_project(project)
    if args.name not in set(project.known_checks) | set(store.latest):
        err(str(CheckNotFoundError(args.name, project.known_checks)))
        return EXIT_USAGE
    result = store.latest.get(args.name)
    limit = max(0, args.max_items)
    if args.format == "json":
        doc: dict[str, Any] = {"schema_version": 1, "check_name": args.name, "result": None}
        if result is not None:
            doc["result"] = result.model_dump(mode="json", exclude={"findings"}) | _findings_json(result, limit)
        _dump(doc)
        return 0
    if result is None:
        out(f"{args.name}: no result yet (run `autocode check {args.name}`)")
        return 0
    color = use_color(sys.stdout)
    when = result.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S") if result.timestamp else "never"
    out(f"{format_result(result, color)}  [{when}]")
    for line in finding_lines(result, limit, color=color):
        out(line)
    return 0


def status(args: argparse.Namespace) -> int:
    """``autocode status``: whether a daemon runs, and every check's last result and figures."""
    project = project_from(args)
    if getattr(args, "all_projects", False):
        from autocode_core.cli.projects import show_projects

        return show_projects(project, args)
    lock = DaemonLock(project.state_dir)
    running = lock.is_held()
    holder = lock.holder() if running else None
    snapshot = take_snapshot(
        project, None, ResultStore.for_project(project, read_only=True), None,
        state=DaemonState.STOPPED, started_at=None,
    )
    results = {name: c.result for name, c in snapshot.checks.items() if c.result is not None}
    if args.format == "json":
        health = snapshot.health()
        checks = health["checks"]
        if args.verbose:
            for name, result in results.items():
                checks.setdefault(name, {}).update(_findings_json(result, _limit(args)))
        _dump({
            "schema_version": 1,
            "project_root": str(project.root),
            "daemon_running": running,
            "daemon_pid": (holder or {}).get("pid"),
            "checks": checks,
            "history": health["history"],
            "plugins": health["plugins"],
        })
        return 0
    state = f"running (pid {(holder or {}).get('pid', '?')})" if running else "not running"
    out(f"autocode daemon: {state} — project {project.root}")
    if not results:
        out("no results yet (run `autocode check` or start `autocode daemon`)")
    color = use_color(sys.stdout)
    for name, result in sorted(results.items()):
        metrics = snapshot.checks[name].metrics
        runs = metrics.execution_count if metrics else 0
        when = result.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S") if result.timestamp else "never"
        where = result.details.get("executed_on")  # a remote executor says where the run went
        place = f", on {where.get('worker')} ({where.get('queue')})" if isinstance(where, dict) else ""
        out(f"{format_result(result, color)}  [last {when}, {runs} runs{place}]")
        if args.verbose:
            for line in finding_lines(result, _limit(args), color=color):
                out(line)
    return 0


def history(args: argparse.Namespace) -> int:
    """``autocode history [NAME]``: past runs, newest first."""
    project = project_from(args)
    store = ResultStore.for_project(project, read_only=True)
    if args.name and args.name not in set(project.known_checks) | set(store.latest):
        err(str(CheckNotFoundError(args.name, project.known_checks)))
        return EXIT_USAGE
    runs = store.runs(args.name, max(1, args.limit))
    if args.format == "json":
        items = []
        for run in runs:
            item = run.model_dump(mode="json", exclude={"findings"})
            if args.verbose:
                item |= _findings_json(run.to_result(), _limit(args))
            items.append(item)
        _dump({"schema_version": 1, "runs": items})
        return 0
    if not runs:
        out("no runs recorded yet")
    color = use_color(sys.stdout)
    for run in runs:
        when = run.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        out(f"{when}  {run.trigger:<8} {format_result(run.to_result(), color)}")
        if args.verbose:
            for line in finding_lines(run.to_result(), _limit(args), color=color):
                out(line)
    return 0
