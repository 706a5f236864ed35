"""``Project``: a project's configuration, plugins and checks, with nothing running.

Cheap and synchronous: reading it loads the plugins and resolves the
configuration, and opens nothing else. ``autocode plugins``, ``config show``,
``status`` and ``history`` use it alone; ``AutocodeDaemon`` (the runtime) is
built on one. It is also the one answer to "which checks are known", which
includes the checks (or plugins) that failed to load.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel

from autocode_core.config.models import AutocodeConfig
from autocode_core.config.resolution import ResolvedConfig
from autocode_core.config.state import ConfigState
from autocode_core.errors import CheckNotFoundError
from autocode_core.models import CheckConfig
from autocode_core.plugin.loader import CheckEntry, LoadedPlugins, PluginInfo, load_plugins

__all__ = ["Project"]

log = structlog.get_logger("autocode.project")


class Project:
    """A project's configuration layers, loaded plugins and known checks.

    :param project_root: the project; default: found from the working directory
        (the folder holding ``autocode.toml`` or ``pyproject.toml``).
    :param config: a configuration built in Python (an ``AutocodeConfig`` or a
        mapping of the same shape); when given, files and environment are not read.
    :param plugins: extra plugins to register (modules, objects, ``CheckPlugin``
        subclasses, or ``(name, plugin)`` pairs).
    :param load_entry_points: load the ``autocode`` entry-point group.
    :param profile: the profile to apply (default ``AUTOCODE_PROFILE``).
    :param overrides: ``KEY=VALUE`` settings from the command line.
    :raises ConfigError: the configuration is invalid (every problem, typed).
    :raises PluginLoadError: a plugin failed to load in strict mode.
    """

    def __init__(
        self,
        project_root: str | Path | None = None,
        config: AutocodeConfig | Mapping[str, Any] | None = None,
        *,
        plugins: Iterable[Any] = (),
        load_entry_points: bool = True,
        profile: str | None = None,
        overrides: Sequence[str] = (),
        environ: Mapping[str, str] | None = None,
        strict_plugins: bool | None = None,
    ) -> None:
        environ = os.environ if environ is None else environ
        self._config = ConfigState.gather(
            project_root, config, profile=profile, overrides=overrides, environ=environ
        )
        self.root: Path = self._config.project_root
        disabled = self._config.raw().get("disable_plugins") or []
        self.plugins: LoadedPlugins = load_plugins(
            entry_points=load_entry_points,
            plugins=plugins,
            disabled=disabled if isinstance(disabled, list) else [],
            strict=strict_plugins,
            environ=environ,
        )
        self._resolved = self._config.resolve(self.declared)
        for warning in self._resolved.warnings:
            log.warning("config_warning", problem=warning)

    # -- configuration -----------------------------------------------------------
    @property
    def resolved(self) -> ResolvedConfig:
        """The current resolution: config, schedules, settings, warnings."""
        return self._resolved

    @property
    def config(self) -> AutocodeConfig:
        """The effective configuration."""
        return self._resolved.config

    @property
    def declared(self) -> dict[str, CheckConfig]:
        """Each loaded check's own description and defaults, by name."""
        return {name: entry.defaults for name, entry in self.plugins.checks.items()}

    def preview(self, update: BaseModel | Mapping[str, Any]) -> tuple[ResolvedConfig, Any]:
        """What ``update`` would resolve to (changes nothing); pass both to ``accept``.

        :raises ConfigError: the result would be invalid.
        """
        return self._config.preview(update, self.declared)

    def accept(self, resolved: ResolvedConfig, update: Any) -> None:
        """Make a previewed resolution current."""
        self._config.accept(resolved, update)
        self._resolved = resolved

    def settings_for(self, name: str) -> Any:
        """The validated settings of a check (``None`` if it declares none)."""
        return self._resolved.settings.get(name)

    # -- checks -------------------------------------------------------------------
    @property
    def check_names(self) -> list[str]:
        """Names of the checks that loaded, sorted."""
        return sorted(self.plugins.checks)

    @property
    def failed_plugins(self) -> list[PluginInfo]:
        """Plugins that failed to load, in load order."""
        return self.plugins.failed

    @property
    def known_checks(self) -> list[str]:
        """Loaded checks (sorted), then the checks of plugins that failed to load.

        A failed plugin is known by the check it declared, else by its own name.
        """
        names = self.check_names
        for info in self.failed_plugins:
            name = info.check or info.name
            if name not in names:
                names.append(name)
        return names

    def load_failure(self, name: str) -> PluginInfo | None:
        """The failed plugin known as ``name`` (its check's name or its own), if any."""
        return next((i for i in self.failed_plugins if name in (i.check, i.name)), None)

    def entry(self, name: str) -> CheckEntry:
        """The loaded check ``name``.

        :raises CheckNotFoundError: not loaded (see ``load_failure``).
        """
        entry = self.plugins.checks.get(name)
        if entry is None:
            raise CheckNotFoundError(name, self.known_checks)
        return entry

    def execution_for(self, name: str) -> str:
        """The executor a loaded check runs on: its own ``execution``, else
        ``daemon.execution``; ``"auto"`` means ``"process"`` for installed plugins
        and ``"inline"`` for plugins registered in code."""
        own = self._resolved.schedules[name].execution
        chosen = own or self.config.daemon.execution
        if chosen != "auto":
            return chosen
        return "inline" if self.entry(name).plugin.source == "registered" else "process"

    def memory_limit_for(self, name: str) -> float | None:
        """The resident-memory limit (MB) of a check's process tree, ``None`` for none."""
        own = self._resolved.schedules[name].memory_limit_mb
        return own if own is not None else self.config.daemon.check_memory_limit_mb

    def enabled_checks(self) -> list[str]:
        """Loaded checks that the configuration enables, sorted."""
        return [n for n in self.check_names if self._resolved.schedules[n].enabled]

    # -- state ----------------------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        """The state folder (``daemon.state_dir``); not created by reading this."""
        return self.root / self.config.daemon.state_dir

    @property
    def history_path(self) -> Path:
        """Where the run history is kept."""
        return self.state_dir / "history.db"
