"""The exceptions autocode raises, in one place.

Expected failures (bad configuration, a plugin that cannot load, a check that
reports it cannot run) have their own classes, so the CLI can print their
message without a traceback. Anything else is a bug and keeps its traceback::

    AutocodeError                 base of everything below
    ├── ConfigError               invalid configuration: ``problems``, each a ConfigProblem
    ├── PluginError               a plugin's expected failure; raise it from ``execute``
    │   └── PluginLoadError       a plugin failed to import, validate or describe itself
    ├── CheckNotFoundError        (also a KeyError) no check by that name
    ├── DaemonAlreadyRunningError another daemon holds the project's lock
    └── StorageError              (also an OSError) autocode's state cannot be written:
                                  disk full, read-only, permissions; the message names the path

At run time every outcome of a check becomes data: a ``CheckResult`` with
status ``error``, never an exception that escapes the scheduler.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Self

__all__ = [
    "AutocodeError",
    "CheckNotFoundError",
    "ConfigError",
    "ConfigProblem",
    "DaemonAlreadyRunningError",
    "PluginError",
    "PluginLoadError",
    "StorageError",
]


class AutocodeError(Exception):
    """Base class of every exception autocode raises on purpose."""


class ConfigProblem(str):
    """One configuration problem: where it was set, which key, and why it is wrong.

    Typed fields: ``source`` (a file, ``environment``, ``command line``,
    ``update_config``...), ``key`` as the user wrote it (a dotted key, an
    alias, ``$VARIABLE``), ``loc`` (the canonical dotted path, for programs:
    the HTTP API's 422 locations) and ``reason``. It is also the string
    ``"source: key: reason"``, the line the command line prints.
    """

    source: str
    key: str
    reason: str
    loc: tuple[str, ...]

    def __new__(
        cls, source: str, key: str, reason: str, loc: Sequence[str] | None = None
    ) -> Self:
        text = ": ".join(part for part in (source, key, reason) if part)
        problem = super().__new__(cls, text)
        problem.source, problem.key, problem.reason = source, key, reason
        problem.loc = tuple(loc) if loc is not None else tuple(p for p in key.split(".") if p and not key.startswith("$"))
        return problem

    def __reduce__(self) -> tuple[object, ...]:  # pickles (for worker processes) with its fields
        return (ConfigProblem, (self.source, self.key, self.reason, self.loc))


class ConfigError(AutocodeError):
    """Invalid configuration.

    ``problems`` holds every problem found (not just the first), each a
    ``ConfigProblem`` naming the source, the key and the reason. A plain
    string is taken as a problem with that reason and no source or key.
    """

    def __init__(self, problems: Iterable[ConfigProblem | str] | ConfigProblem | str) -> None:
        items = [problems] if isinstance(problems, str) else list(problems)
        self.problems: list[ConfigProblem] = [
            p if isinstance(p, ConfigProblem) else ConfigProblem("", "", p) for p in items
        ]
        super().__init__("invalid configuration:\n  " + "\n  ".join(self.problems))


class PluginError(AutocodeError):
    """An expected failure inside a plugin.

    Raise it from ``execute`` when the check cannot run for a reason the user
    can fix (a missing tool, a bad project layout): the result message is the
    exception's message, without a traceback.
    """


class PluginLoadError(PluginError):
    """A plugin could not be loaded: import error, hooks that do not match the
    specs, a ``get_config`` that raised or returned garbage, or a check name
    already claimed by another plugin."""


class CheckNotFoundError(AutocodeError, KeyError):
    """No check with that name is installed; ``known`` lists the ones that are."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = sorted(known)
        known_text = ", ".join(self.known) if self.known else "no checks are installed"
        AutocodeError.__init__(self, f"unknown check {name!r} (known: {known_text})")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class DaemonAlreadyRunningError(AutocodeError):
    """Another daemon holds the lock of this project's state folder."""


class StorageError(AutocodeError, OSError):
    """autocode's own state (the state folder, its lock, the run history) cannot
    be written: the disk is full, the file system is read-only, permissions.

    The message is one line that starts with what happened and names the path,
    e.g. ``disk full: cannot write /p/.autocode/history.db (database or disk is full)``.
    It is also an ``OSError``, so code that handles file errors keeps working.
    """

    def __init__(self, message: str) -> None:
        AutocodeError.__init__(self, message)

    def __str__(self) -> str:  # OSError would format (errno, strerror)
        return str(self.args[0])
