"""The ``autocode`` command: a thin layer over ``Project`` and ``AutocodeDaemon``.

Exit codes: 0 every check succeeded; 1 a check reported a warning or an
error; 2 usage or configuration error; 3 a check could not run (crashed,
timed out, its plugin failed to load). ``autocode daemon`` exits 1 when
another daemon already runs for the project.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from autocode_core.cli.common import EXIT_USAGE, err
from autocode_core.cli.logs import configure_logging
from autocode_core.errors import ConfigError, PluginLoadError

__all__ = ["build_parser", "main"]

#: command -> (module, function): a command imports only what it needs (start-up time)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("running", "check"),
    "daemon": ("running", "daemon"),
    "plugins": ("inspecting", "plugins"),
    "config": ("inspecting", "config_show"),
    "status": ("inspecting", "status"),
    "history": ("inspecting", "history"),
}


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    module, function = COMMANDS[name]
    command: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(f"autocode_core.cli.{module}"), function
    )
    return command


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``autocode`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    default_level = "info" if args.command == "daemon" else "warning"
    configure_logging(args.log_format, args.log_level or default_level)
    try:
        return _command(args.command)(args)
    except ConfigError as exc:
        err(str(exc))
        return EXIT_USAGE
    except PluginLoadError as exc:
        err(str(exc))
        return 3
    except KeyboardInterrupt:
        return 130


