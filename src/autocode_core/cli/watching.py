"""``autocode watch``: run the checks, then again whenever their files change, in the foreground.

A terminal next to the editor (or an agent reading JSON lines): every result
is one line saying what changed since that check's previous result (from the
history too, so the first line after a restart compares with the last run
before it). ``--format json`` prints one JSON document per result, per line.
Ctrl-C (SIGINT) or SIGTERM stops it: exit code 0, no traceback.

It is a daemon (``AutocodeDaemon(watch=True)``) without the HTTP server: it
takes the project's lock, so it exits 1 when ``autocode daemon`` already runs
for the project (that daemon already watches: follow ``/api/events``).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from datetime import datetime
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream

from autocode_core.cli.common import EXIT_USAGE, err, out, project_from
from autocode_core.cli.logs import use_color
from autocode_core.cli.report import format_result
from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.daemon.events import DaemonEvent
from autocode_core.errors import (
    CheckNotFoundError,
    ConfigError,
    DaemonAlreadyRunningError,
    StorageError,
)
from autocode_core.models import CheckResult
from autocode_core.watch.result_changes import result_change

__all__ = ["watch"]

#: changed paths named on a text line before "+N more"
PATHS_SHOWN = 3


def watch(args: argparse.Namespace) -> int:
    """``autocode watch [NAME...]``: 0 when stopped by a signal, 1 when a daemon already runs, 2 usage."""
    project = project_from(args)
    enabled = project.enabled_checks()
    names = list(dict.fromkeys(args.names)) or enabled
    unknown = [n for n in names if n not in project.known_checks]
    if unknown:
        err(str(CheckNotFoundError(unknown[0], project.known_checks)))
        return EXIT_USAGE
    if not names:
        err("no checks are installed or enabled (install a plugin, e.g. `pip install autocode-git`)")
        return EXIT_USAGE
    extra = ["daemon.run_at_start=false", "daemon.watch.enabled=true"]
    extra += [f"daemon.{n}.enabled=false" for n in enabled if n not in names]
    daemon = AutocodeDaemon(project=project_from(args, extra), watch=True)
    printer = _Printer(daemon, args.format, use_color(sys.stdout))
    code = 0
    try:
        anyio.run(_watch, daemon, names, printer)
    except* DaemonAlreadyRunningError as group:
        err(f"{_first(group)} (it already runs checks on change: follow its /api/events)")
        code = 1
    except* ConfigError as group:
        err(str(_first(group)))
        code = EXIT_USAGE
    except* StorageError as group:
        err(str(_first(group)))
        code = 1
    return code


async def _watch(daemon: AutocodeDaemon, names: list[str], printer: _Printer) -> None:
    async with anyio.create_task_group() as tg:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            await tg.start(daemon.run)
            events = daemon.events.subscribe(buffer=4096)
            tg.start_soon(printer.follow, events)
            tg.start_soon(daemon.run_checks, names, "cli")
            async for _signum in signals:
                break
        daemon.request_stop()


class _Printer:
    """One line (text or JSON) per completed run, with what changed since the check's last result."""

    def __init__(self, daemon: AutocodeDaemon, fmt: str, color: bool) -> None:
        self.fmt = fmt
        self.color = color
        self.previous: dict[str, CheckResult] = dict(daemon.store.latest)

    async def follow(self, events: MemoryObjectReceiveStream[DaemonEvent]) -> None:
        with events:
            async for event in events:
                if event.result is None or not event.check_name:
                    continue
                if event.type == "check_completed":
                    self.show(event)
                elif event.type == "check_progress":
                    self.show_partial(event)

    def show_partial(self, event: DaemonEvent) -> None:
        """A run's first answer (e.g. the affected tests), before its result; never compared."""
        result = event.result
        assert result is not None
        if self.fmt == "json":
            out(json.dumps({
                "check": event.check_name, "status": result.status, "trigger": event.trigger,
                "partial": True, "result": result.model_dump(mode="json"),
            }, ensure_ascii=False))
            return
        when = datetime.now().astimezone().strftime("%H:%M:%S")
        out(f"{when} (partial) {format_result(result, self.color)}")

    def show(self, event: DaemonEvent) -> None:
        result = event.result
        assert result is not None and event.check_name is not None
        change = result_change(self.previous.get(event.check_name), result)
        self.previous[event.check_name] = result
        paths = event.data.get("changed_paths")
        count = int(event.data.get("changed_count", 0))
        if self.fmt == "json":
            out(json.dumps({
                "check": event.check_name, "status": result.status, "trigger": event.trigger,
                "changed_paths": paths, "changed_count": count if paths is not None else None,
                "change": change.as_json(), "result": result.model_dump(mode="json"),
            }, ensure_ascii=False))
            return
        when = (result.timestamp or datetime.now()).astimezone().strftime("%H:%M:%S")
        line = f"{when} {format_result(result, self.color)} | {change.summary()}"
        if paths:
            more = count - min(len(paths), PATHS_SHOWN)
            line += f" | changed: {', '.join(paths[:PATHS_SHOWN])}" + (f" +{more} more" if more else "")
        out(line)


def _first(group: BaseExceptionGroup[Any]) -> BaseException:
    first: BaseException = group
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    return first
