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

from autocode_core.cli import agents, init
from autocode_core.cli.common import EXIT_USAGE, add_format, err
from autocode_core.cli.logs import configure_logging
from autocode_core.cli.plugin_commands import contributed_help, plugin_command
from autocode_core.errors import ConfigError, PluginLoadError

__all__ = ["build_parser", "main"]

#: command -> (module, function): a command imports only what it needs (start-up time)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("running", "check"),
    "daemon": ("running", "daemon"),
    "show": ("inspecting", "show"),
    "plugins": ("inspecting", "plugins"),
    "config": ("inspecting", "config_show"),
    "status": ("inspecting", "status"),
    "history": ("inspecting", "history"),
    "init": ("init", "init"),
    "mcp": ("agents", "mcp"),
    "watch": ("watching", "watch"),
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
    common.add_argument(
        "--log-level", default=None, choices=["debug", "info", "warning", "error"],
        help="least severe log event shown on stderr (default: warning; info for daemon)",
    )
    return common


def _details(parser: argparse.ArgumentParser, default_items: int = 10, always: bool = False) -> None:
    if not always:
        parser.add_argument(
            "-v", "--verbose", action="count", default=0,
            help="print each check's findings under its line (-vv: all of them)",
        )
    parser.add_argument(
        "--max-items", type=int, default=default_items, metavar="N",
        help=f"findings shown per check before '… and N more' (default {default_items})",
    )


class _Parser(argparse.ArgumentParser):
    """The top-level parser: its help ends with the contributed commands, read only
    when help is shown (so other commands never scan entry points)."""

    def format_help(self) -> str:
        self.epilog = contributed_help() or None
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    common = _common()
    parser = _Parser(
        prog="autocode", description="Keep a code base honest: run checks once, or as a daemon.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"autocode {_version()}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=argparse.ArgumentParser
    )
    check = sub.add_parser("check", parents=[common], help="run checks once and print their results")
    check.add_argument("names", nargs="*", metavar="NAME", help="checks to run (default: every enabled one)")
    add_format(check, ["text", "json", "junit", "github"])
    _details(check)
    show = sub.add_parser("show", parents=[common], help="the latest result of one check, with its findings")
    show.add_argument("name", metavar="NAME", help="the check")
    add_format(show)
    _details(show, default_items=50, always=True)
    daemon = sub.add_parser("daemon", parents=[common], help="run the scheduler until stopped")
    daemon.add_argument("--host", help="HTTP server address (overrides api.host)")
    daemon.add_argument("--port", type=int, help="HTTP server port (overrides api.port)")
    daemon.add_argument(
        "--no-watch", dest="watch", action="store_false",
        help="do not run checks when files change (default: daemon.watch.enabled)",
    )
    plugins = sub.add_parser("plugins", parents=[common], help="list plugins and their load status")
    add_format(plugins)
    status = sub.add_parser("status", parents=[common], help="last result and metrics of every check (no daemon needed)")
    add_format(status)
    _details(status)
    status.add_argument("--all-projects", action="store_true",
                        help="every project in the run history (a shared PostgreSQL history.url) with its latest verdicts")
    history = sub.add_parser("history", parents=[common], help="list past runs")
    history.add_argument("name", nargs="?", metavar="NAME", help="only this check")
    history.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    add_format(history)
    _details(history)
    config = sub.add_parser("config", help="inspect the configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    show_config = config_sub.add_parser("show", parents=[common], help="print the effective configuration")
    add_format(show_config)
    init.add_parser(sub)
    agents.add_parser(sub, common)
    watch = sub.add_parser(
        "watch", parents=[common], help="run checks now and again whenever their files change (Ctrl-C stops)"
    )
    watch.add_argument("names", nargs="*", metavar="NAME", help="checks to watch (default: every enabled one)")
    add_format(watch)
    return parser


def _version() -> str:
    try:
        return metadata.version("autocode-core")
    except metadata.PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``autocode`` command; returns the exit code."""
    contributed = plugin_command(argv)  # `autocode worker` from autocode-celery...
    if contributed is not None:
        return contributed
    parser = build_parser()
    args = parser.parse_args(argv)
    default_level = "info" if args.command == "daemon" else "warning"
    configure_logging(getattr(args, "log_format", None), getattr(args, "log_level", None) or default_level)
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


