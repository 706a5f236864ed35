"""Settings that only apply when the daemon starts: the one list of them.

A live update (``AutocodeDaemon.update_config``, hence ``PATCH /api/config``)
that names one of them is refused as a whole, with a ``ConfigProblem`` per
setting saying it applies at start: changing it live would either do nothing
(the value was read once) or split the daemon in two (a state folder changed
while its lock and history stay behind). Change them in the configuration
file and restart.

``START_ONLY`` maps a dotted key (``*`` matches any one key, such as a check
name) to why it is read only at start.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autocode_core.errors import ConfigProblem

__all__ = ["START_ONLY", "start_only_problems"]

START_ONLY: dict[str, str] = {
    "daemon.state_dir": "the state folder holds the daemon's lock and history, taken at start",
    "daemon.run_at_start": "it decides what runs when the daemon starts",
    "daemon.*.run_at_start": "it decides what runs when the daemon starts",
    "api": "the HTTP server binds, and reads its settings, when it starts",
    "history.max_runs_per_check": "the history's retention is read when the history is opened",
    "history.max_age_days": "the history's retention is read when the history is opened",
    "history.url": "the history's database is chosen when the history is opened",
    "history.project": "the project's name is read when the history is opened",
    "history.outage_queue": "the outage queue is sized when the history is opened",
    "celery": "the Celery executor reads its settings when the daemon's runtime starts",
    "disable_plugins": "plugins are loaded when the daemon starts",
    "profiles": "a profile is chosen when the daemon starts (--profile, AUTOCODE_PROFILE)",
    "daemon.watch.enabled": "the file watcher starts, or not, with the daemon",
    "daemon.watch.force_polling": "the file watcher picks notifications or polling when it starts",
    "daemon.watch.poll_interval_ms": "the file watcher reads it when it starts",
}


def _found(data: Any, parts: list[str], done: list[str]) -> list[list[str]]:
    """Paths in ``data`` that match ``parts`` (``*``: any key)."""
    if not parts:
        return [done]
    if not isinstance(data, Mapping):
        return []
    head, rest = parts[0], parts[1:]
    keys = [k for k in data if isinstance(k, str)] if head == "*" else [head] if head in data else []
    return [path for key in keys for path in _found(data[key], rest, [*done, key])]


def start_only_problems(update: Mapping[str, Any], source: str = "update_config") -> list[ConfigProblem]:
    """One problem per start-only setting that ``update`` (a partial
    configuration, canonical keys) names, in ``START_ONLY`` order."""
    problems = []
    for pattern, why in START_ONLY.items():
        for path in _found(update, pattern.split("."), []):
            key = ".".join(path)
            reason = (
                f"{key} applies when the daemon starts: change it in the configuration file"
                f" and restart ({why})"
            )
            problems.append(ConfigProblem(source, key, reason, path))
    return problems
