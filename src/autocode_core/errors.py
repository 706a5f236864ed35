"""The exceptions autocode raises, in one place.

Expected failures (bad configuration, a plugin that cannot load, a check that
reports it cannot run) have their own classes, so the CLI can print their
message without a traceback. Anything else is a bug and keeps its traceback::

    AutocodeError                 base of everything below
    ├── ConfigError               invalid configuration (names file, key, reason)
    ├── PluginError               a plugin's expected failure; raise it from ``execute``
    │   └── PluginLoadError       a plugin failed to import, validate or describe itself
    ├── CheckNotFoundError        (also a KeyError) no check by that name
    └── DaemonAlreadyRunningError another daemon holds the project's lock

At run time every outcome of a check becomes data: a ``CheckResult`` with
status ``error``, never an exception that escapes the scheduler.
"""

from __future__ import annotations

__all__ = [
    "AutocodeError",
    "CheckNotFoundError",
    "ConfigError",
    "DaemonAlreadyRunningError",
    "PluginError",
    "PluginLoadError",
]


class AutocodeError(Exception):
    """Base class of every exception autocode raises on purpose."""


class ConfigError(AutocodeError):
    """Invalid configuration.

    ``problems`` holds one line per problem, each naming the source (file or
    environment variable), the dotted key and the reason.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
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
