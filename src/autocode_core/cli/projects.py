"""``autocode status --all-projects``: every project of the (shared) history."""

from __future__ import annotations

import argparse
import json
import sys

from autocode_core.cli.common import out
from autocode_core.project import Project
from autocode_core.store.results import ResultStore

__all__ = ["show_projects"]

MARKS = {"success": "✅", "warning": "⚠️", "error": "❌"}


def show_projects(project: Project, args: argparse.Namespace) -> int:
    """One line per project (its worst latest verdict), then one per check; exit 0."""
    store = ResultStore.for_project(project, read_only=True)
    history = store.history
    projects = history.projects() if history is not None else {}
    store.close()
    if args.format == "json":
        json.dump({"schema_version": 1, "projects": projects}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not projects:
        out("no runs recorded yet" + (f" ({store.history_error})" if store.history_error else ""))
    for name, entry in projects.items():
        out(f"{MARKS.get(entry['status'], '?')} {name}  [last {entry['last_run']}]")
        for check, latest in entry["checks"].items():
            out(f"    {MARKS.get(latest['status'], '?')} {check}: {latest['message']}  [{latest['runs']} runs]")
    return 0
