"""Commands that only read: ``plugins``, ``config show``, ``status``, ``history``.

They build a ``Project`` and nothing else: no daemon, no scheduler, no lock,
and the history database only for reading, when it exists.
"""

from __future__ import annotations

import argparse
import json
import sys

from autocode_core.cli.common import EXIT_USAGE, err, project_from
from autocode_core.cli.logs import use_color
from autocode_core.cli.report import format_plugins, format_result
from autocode_core.config.display import config_data, format_config
from autocode_core.daemon.observation import take_snapshot
from autocode_core.daemon.snapshot import DaemonState
from autocode_core.errors import CheckNotFoundError
from autocode_core.store.results import ResultStore
from autocode_core.store.state_dir import DaemonLock

__all__ = ["config_show", "history", "plugins", "status"]


def plugins(args: argparse.Namespace) -> int:
    """``autocode plugins``: every plugin with its distribution, check, hooks and load status."""
    infos = project_from(args).plugins.plugins
    if args.json:
        print(json.dumps({"schema_version": 1, "plugins": [p.to_dict() for p in infos]}, indent=2))
    else:
        print(format_plugins(infos))
    return 0


def config_show(args: argparse.Namespace) -> int:
    """``autocode config show``: the effective configuration, secrets masked."""
    config = project_from(args).config
    if args.json:
        print(json.dumps(config_data(config), indent=2, ensure_ascii=False))
    else:
        print(format_config(config))
    return 0


def status(args: argparse.Namespace) -> int:
    """``autocode status``: whether a daemon runs, and every check's last result and figures."""
    project = project_from(args)
    lock = DaemonLock(project.state_dir)
    running = lock.is_held()
    holder = lock.holder() if running else None
    snapshot = take_snapshot(
        project, None, ResultStore.for_project(project, read_only=True), None,
        state=DaemonState.STOPPED, started_at=None,
    )
    health = snapshot.health()
    if args.json:
        doc = {
            "schema_version": 1,
            "project_root": str(project.root),
            "daemon_running": running,
            "daemon_pid": (holder or {}).get("pid"),
            "checks": health["checks"],
            "history": health["history"],
            "plugins": health["plugins"],
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
        return 0
    state = f"running (pid {(holder or {}).get('pid', '?')})" if running else "not running"
    print(f"autocode daemon: {state} — project {project.root}")
    results = {name: c.result for name, c in snapshot.checks.items() if c.result is not None}
    if not results:
        print("no results yet (run `autocode check` or start `autocode daemon`)")
    color = use_color(sys.stdout)
    for name, result in sorted(results.items()):
        metrics = snapshot.checks[name].metrics
        runs = metrics.execution_count if metrics else 0
        when = result.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S") if result.timestamp else "never"
        print(f"{format_result(result, color)}  [last {when}, {runs} runs]")
    return 0


def history(args: argparse.Namespace) -> int:
    """``autocode history [NAME]``: past runs, newest first."""
    project = project_from(args)
    store = ResultStore.for_project(project, read_only=True)
    if args.name and args.name not in set(project.known_checks) | set(store.latest):
        err(str(CheckNotFoundError(args.name, project.known_checks)))
        return EXIT_USAGE
    runs = store.runs(args.name, max(1, args.limit))
    if args.json:
        print(json.dumps({"schema_version": 1, "runs": [r.model_dump(mode="json") for r in runs]},
                         indent=2, ensure_ascii=False))
        return 0
    if not runs:
        print("no runs recorded yet")
    color = use_color(sys.stdout)
    for run in runs:
        when = run.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when}  {run.trigger:<8} {format_result(run.to_result(), color)}")
    return 0
