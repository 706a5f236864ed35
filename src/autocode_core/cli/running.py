"""Commands that run checks: ``check`` (once) and ``daemon`` (until stopped)."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import structlog
from anyio.streams.memory import MemoryObjectReceiveStream

from autocode_core.cli.common import EXIT_USAGE, err, out, project_from
from autocode_core.cli.logs import use_color
from autocode_core.cli.report import exit_code, format_result, results_json
from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.daemon.events import DaemonEvent
from autocode_core.errors import (
    CheckNotFoundError,
    ConfigError,
    DaemonAlreadyRunningError,
    StorageError,
)
from autocode_core.formats.github import results_github
from autocode_core.formats.junit import results_junit
from autocode_core.formats.text import finding_lines
from autocode_core.models import CheckResult

if TYPE_CHECKING:
    from autocode_core.project import Project

__all__ = ["check", "daemon", "untracked_outputs"]


def check(args: argparse.Namespace) -> int:
    """``autocode check [NAME...]``: run checks once, print them in ``--format``, exit 0/1/2/3."""
    project = project_from(args)
    known = project.known_checks
    failed = [name for name in known if name not in project.plugins.checks]
    names = list(args.names) or [*project.enabled_checks(), *failed]
    disabled = [] if args.names else [n for n in project.plugins.checks if n not in names]
    unknown = [n for n in names if n not in known]
    if unknown:
        err(str(CheckNotFoundError(unknown[0], known)))
        return EXIT_USAGE
    if not names and args.format == "text":
        out("no checks are installed or enabled (install a plugin, e.g. `pip install autocode-git`)")
        return 0
    results = anyio.run(_run_all, AutocodeDaemon(project=project), names) if names else []
    code = exit_code(results)
    if args.format == "json":
        out(results_json(results, str(project.root), code))
    elif args.format == "junit":
        out(results_junit(results))
    elif args.format == "github":
        out(results_github(results))
    else:
        color = use_color(sys.stdout)
        limit = None if args.verbose >= 2 else max(0, args.max_items)
        for result in results:
            out(format_result(result, color))
            if args.verbose:
                for line in finding_lines(result, limit, color=color):
                    out(line)
        for name in sorted(disabled):  # said, so a check turned off is not mistaken for a pass
            out(f"⏸️ {name}: disabled (daemon.{name}.enabled = false; `autocode check {name}` runs it)")
        loose = untracked_outputs(project, names)
        if loose:
            err(
                f"note: autocode wrote {', '.join(loose)}, which git does not ignore; add "
                f"{'it' if len(loose) == 1 else 'them'} to .gitignore (`autocode init` offers to)"
            )
    return code


def untracked_outputs(project: Project, names: list[str]) -> list[str]:
    """The declared outputs of ``names`` that exist and that git neither tracks nor ignores.

    Empty outside a git work tree or when git cannot answer within a few seconds.
    """
    from autocode_core.toolkit.git import git_environment

    declared = project.resolved.outputs()
    paths = sorted({path for name in names for path in declared.get(name, [])})
    paths = [p for p in paths if not Path(p).is_absolute() and (project.root / p).exists()]
    if not paths:
        return []
    try:
        done = subprocess.run(
            ["git", "ls-files", "--others", "--exclude-standard", "--directory", "-z", "--", *paths],
            cwd=project.root, env=git_environment(), capture_output=True, timeout=5, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if done.returncode != 0:
        return []
    return sorted(p for p in done.stdout.decode("utf-8", "replace").split("\0") if p)


async def _run_all(daemon: AutocodeDaemon, names: list[str]) -> list[CheckResult]:
    if not sys.stderr.isatty():
        return await daemon.run_checks(names, trigger="cli")
    events = daemon.events.subscribe()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_progress, events, list(dict.fromkeys(names)))
        try:
            results = await daemon.run_checks(names, trigger="cli")
        finally:
            tg.cancel_scope.cancel()
    return results


async def _progress(events: MemoryObjectReceiveStream[DaemonEvent], names: list[str]) -> None:
    """A one-line status on the terminal while checks run (only on a TTY)."""
    started = time.monotonic()
    done: set[str] = set()
    try:
        with events:
            while True:
                with anyio.move_on_after(0.25):
                    event = await events.receive()
                    if event.type == "check_completed" and event.check_name:
                        done.add(event.check_name)
                    continue
                pending = [n for n in names if n not in done]
                line = (
                    f"⏳ {len(done)}/{len(names)} done, running {', '.join(pending)} "
                    f"({time.monotonic() - started:.0f}s)"
                )
                sys.stderr.write("\r\033[K" + line[:200])
                sys.stderr.flush()
    finally:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def daemon(args: argparse.Namespace) -> int:
    """``autocode daemon``: run the scheduler (and the HTTP server, when installed) until a signal."""
    extra = [f"api.host={args.host}"] if args.host else []
    extra += [f"api.port={args.port}"] if args.port is not None else []
    runtime = AutocodeDaemon(project=project_from(args, extra), watch=getattr(args, "watch", True))
    log = structlog.get_logger("autocode.cli")
    for info in runtime.failed_plugins:
        log.error("plugin_failed_to_load", plugin=info.name, error=info.error)
    try:
        from autocode_core.server.service import HttpService
    except ImportError as exc:
        log.warning(
            "http_server_unavailable",
            reason=str(exc),
            hint="pip install 'autocode-core[server]' for the HTTP API and the dashboard",
        )
    else:
        runtime.services.append(HttpService())

    async def serve() -> None:
        async with anyio.create_task_group() as tg:
            await tg.start(runtime.run)
            with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for signum in signals:
                    log.info("signal_received", signal=signal.Signals(signum).name)
                    runtime.stop()
                    break

    code = 0
    try:
        anyio.run(serve)
    except* DaemonAlreadyRunningError as group:
        err(str(_first(group)))
        code = 1
    except* ConfigError as group:  # e.g. the HTTP service refusing a public bind without a token
        err(str(_first(group)))
        code = EXIT_USAGE
    except* StorageError as group:  # the lock cannot be written: disk full, read-only
        err(str(_first(group)))
        code = 1
    return code


def _first(group: BaseExceptionGroup[Any]) -> BaseException:
    """The first leaf exception of a (possibly nested) exception group: the real cause."""
    first: BaseException = group
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    return first
