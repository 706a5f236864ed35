"""The ``autocode`` command: a thin layer over ``AutocodeDaemon``.

Exit codes: 0 every check succeeded; 1 a check reported a warning or an
error; 2 usage or configuration error; 3 a check could not run (crashed,
timed out, its plugin failed to load). ``autocode daemon`` exits 1 when
another daemon already runs for the project.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import anyio
import structlog

from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.errors import (
    CheckNotFoundError,
    ConfigError,
    DaemonAlreadyRunningError,
    PluginLoadError,
)
from autocode_core.cli.logs import configure_logging, use_color
from autocode_core.models import CheckResult
from autocode_core.cli.report import (
    config_data,
    exit_code,
    format_config,
    format_plugins,
    format_result,
    results_json,
)
from autocode_core.store.state_dir import DaemonLock

__all__ = ["main"]

EXIT_USAGE = 2


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-C", "--project", type=Path, help="start looking for the project here (default: .)")
    common.add_argument("--profile", help="apply the named override table profiles.<NAME> (or AUTOCODE_PROFILE)")
    common.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a setting, e.g. --set daemon.max_concurrent_checks=4 (repeatable)",
    )
    common.add_argument("--log-format", choices=["console", "json"], help="default: console on a terminal, else json")
    common.add_argument("--log-level", default=None, choices=["debug", "info", "warning", "error"])
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="autocode", description="Keep a code base honest: run checks once, or as a daemon."
    )
    parser.add_argument("--version", action="version", version=f"autocode {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", parents=[common], help="run checks once and print their results")
    check.add_argument("names", nargs="*", metavar="NAME", help="checks to run (default: every enabled one)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    daemon = sub.add_parser("daemon", parents=[common], help="run the scheduler until stopped")
    daemon.add_argument("--host", help="HTTP server address (overrides api.host)")
    daemon.add_argument("--port", type=int, help="HTTP server port (overrides api.port)")
    plugins = sub.add_parser("plugins", parents=[common], help="list plugins and their load status")
    plugins.add_argument("--json", action="store_true")
    status = sub.add_parser("status", parents=[common], help="last result and metrics of every check (no daemon needed)")
    status.add_argument("--json", action="store_true")
    history = sub.add_parser("history", parents=[common], help="list past runs")
    history.add_argument("name", nargs="?", metavar="NAME", help="only this check")
    history.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    history.add_argument("--json", action="store_true")
    config = sub.add_parser("config", help="inspect the configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    show = config_sub.add_parser("show", parents=[common], help="print the effective configuration")
    show.add_argument("--json", action="store_true")
    return parser


def _version() -> str:
    try:
        return metadata.version("autocode-core")
    except metadata.PackageNotFoundError:
        return "unknown"


def _daemon(args: argparse.Namespace, extra: Sequence[str] = ()) -> AutocodeDaemon:
    return AutocodeDaemon(
        args.project, profile=args.profile, overrides=[*args.overrides, *extra]
    )


def _err(message: str) -> None:
    print(f"autocode: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``autocode`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    default_level = "info" if args.command == "daemon" else "warning"
    configure_logging(args.log_format, args.log_level or default_level)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "plugins":
            return _plugins(args)
        if args.command == "config":
            return _config_show(args)
        if args.command == "status":
            return _status(args)
        if args.command == "history":
            return _history(args)
        return _run_daemon(args)
    except ConfigError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except PluginLoadError as exc:
        _err(str(exc))
        return 3
    except KeyboardInterrupt:
        return 130


def _check(args: argparse.Namespace) -> int:
    daemon = _daemon(args)
    names = list(args.names) or [*daemon.enabled_checks(), *(i.check or i.name for i in daemon.failed_plugins)]
    known = set(daemon.check_names) | {i.check or i.name for i in daemon.failed_plugins}
    unknown = [n for n in names if n not in known]
    if unknown:
        _err(str(CheckNotFoundError(unknown[0], list(known))))
        return EXIT_USAGE
    if not names:
        if args.format == "json":
            print(results_json([], str(daemon.project_root), 0))
        else:
            print("no checks are installed or enabled (install a plugin, e.g. `pip install autocode-git`)")
        return 0
    results = anyio.run(_run_all, daemon, names)
    code = exit_code(results)
    if args.format == "json":
        print(results_json(results, str(daemon.project_root), code))
    else:
        color = use_color(sys.stdout)
        for result in results:
            print(format_result(result, color))
    return code


async def _run_all(daemon: AutocodeDaemon, names: list[str]) -> list[CheckResult]:
    results: dict[str, CheckResult] = {}
    show_progress = sys.stderr.isatty()

    async def one(name: str) -> None:
        results[name] = await daemon.run_check(name, trigger="cli")

    async with anyio.create_task_group() as tg:
        for name in dict.fromkeys(names):
            tg.start_soon(one, name)
        if show_progress:
            tg.start_soon(_progress, results, list(dict.fromkeys(names)), tg.cancel_scope)
    return [results[n] for n in dict.fromkeys(names)]


async def _progress(results: dict[str, CheckResult], names: list[str], scope: anyio.CancelScope) -> None:
    """A one-line status on the terminal while checks run (only on a TTY)."""
    started = time.monotonic()
    try:
        while True:
            await anyio.sleep(0.25)
            if len(results) == len(names):
                break
            pending = [n for n in names if n not in results]
            line = f"⏳ {len(results)}/{len(names)} done, running {', '.join(pending)} ({time.monotonic() - started:.0f}s)"
            sys.stderr.write("\r\033[K" + line[:200])
            sys.stderr.flush()
    finally:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _plugins(args: argparse.Namespace) -> int:
    daemon = _daemon(args)
    infos = daemon.plugins.plugins
    if args.json:
        print(json.dumps({"schema_version": 1, "plugins": [p.to_dict() for p in infos]}, indent=2))
    else:
        print(format_plugins(infos))
    return 0


def _status(args: argparse.Namespace) -> int:
    daemon = _daemon(args)
    lock = DaemonLock(daemon.project_root / daemon.config.daemon.state_dir)
    running = lock.is_held()
    holder = lock.holder() if running else None
    health = daemon.get_health_metrics()
    if args.json:
        doc = {
            "schema_version": 1,
            "project_root": str(daemon.project_root),
            "daemon_running": running,
            "daemon_pid": (holder or {}).get("pid"),
            "checks": health["checks"],
            "history": health["history"],
            "plugins": health["plugins"],
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
        return 0
    state = f"running (pid {(holder or {}).get('pid', '?')})" if running else "not running"
    print(f"autocode daemon: {state} — project {daemon.project_root}")
    if not daemon.results:
        print("no results yet (run `autocode check` or start `autocode daemon`)")
    color = use_color(sys.stdout)
    for name, result in sorted(daemon.results.items()):
        figures = health["checks"].get(name, {})
        runs = figures.get("execution_count", 0)
        when = result.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S") if result.timestamp else "never"
        print(f"{format_result(result, color)}  [last {when}, {runs} runs]")
    return 0


def _history(args: argparse.Namespace) -> int:
    daemon = _daemon(args)
    if args.name and args.name not in set(daemon.check_names) | set(daemon.results):
        _err(str(CheckNotFoundError(args.name, daemon.check_names)))
        return EXIT_USAGE
    runs = daemon.get_history(args.name, max(1, args.limit))
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


def _config_show(args: argparse.Namespace) -> int:
    daemon = _daemon(args)
    if args.json:
        print(json.dumps(config_data(daemon.config), indent=2, ensure_ascii=False))
    else:
        print(format_config(daemon.config))
    return 0


def _run_daemon(args: argparse.Namespace) -> int:
    extra = [f"api.host={args.host}"] if args.host else []
    extra += [f"api.port={args.port}"] if args.port is not None else []
    daemon = _daemon(args, extra)
    log = structlog.get_logger("autocode.cli")
    for info in daemon.failed_plugins:
        log.error("plugin_failed_to_load", plugin=info.name, error=info.error)
    try:
        from autocode_core.server import service as http_service
    except ImportError as exc:
        log.warning(
            "http_server_unavailable",
            reason=str(exc),
            hint="pip install 'autocode-core[server]' for the HTTP API and the dashboard",
        )
    else:
        daemon.services.append(http_service)

    async def serve() -> None:
        async with anyio.create_task_group() as tg:
            await tg.start(daemon.run)
            with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for signum in signals:
                    log.info("signal_received", signal=signal.Signals(signum).name)
                    daemon.stop()
                    break

    code = 0
    try:
        anyio.run(serve)
    except* DaemonAlreadyRunningError as group:
        _err(str(group.exceptions[0]))
        code = 1
    except* ConfigError as group:  # e.g. the HTTP service refusing a public bind without a token
        _err(str(group.exceptions[0]))
        code = EXIT_USAGE
    return code

