"""Commands contributed by installed distributions (entry-point group ``autocode.commands``).

``autocode NAME ARGS...``, where ``NAME`` is not a built-in command, runs the
entry point ``NAME`` of that group: its object is ``main(argv: list[str]) ->
int`` and receives ``ARGS`` (it parses them itself), its answer is the exit
code. Built-in commands never look at entry points, so their start-up stays
as fast as before. ``autocode --help`` lists them (``contributed_help``) from
the entry points' names and distributions alone: no plugin code is imported.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib import metadata

__all__ = ["ENTRY_POINT_GROUP", "contributed_help", "plugin_command"]

ENTRY_POINT_GROUP = "autocode.commands"
BUILT_IN = {"check", "daemon", "show", "plugins", "config", "status", "history", "init", "mcp"}


def plugin_command(argv: Sequence[str] | None) -> int | None:
    """Run the contributed command ``argv`` names and return its exit code; ``None`` when
    ``argv`` names a built-in command, an option, or no installed command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-") or args[0] in BUILT_IN:
        return None
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP, name=args[0]):
        command: Callable[[list[str]], int] = ep.load()
        return command(args[1:])
    return None


def contributed_help() -> str:
    """The ``--help`` epilog naming each contributed command and its distribution
    (``""`` when none is installed); reads entry-point metadata only, imports nothing."""
    lines = []
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in BUILT_IN:
            continue  # never reached: a built-in command wins
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else "unknown distribution"
        lines.append(f"  {ep.name:<12} from {dist} (autocode {ep.name} --help)")
    return "contributed commands:\n" + "\n".join(lines) if lines else ""
