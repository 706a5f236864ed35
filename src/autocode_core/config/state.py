"""The configuration of one daemon: its layers, and what they resolve to now.

Gathered before the plugins are loaded (``disable_plugins`` decides which
load), resolved once they are (the environment layer depends on the checks'
own variables), and updated live by ``update_config`` overlays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from autocode_core.config.resolution import ResolvedConfig, resolve_config
from autocode_core.config.sources import (
    ConfigLayer,
    deep_merge,
    env_layer,
    load_sources,
    model_layer,
)
from autocode_core.config.start_only import start_only_problems
from autocode_core.errors import ConfigError
from autocode_core.models import CheckConfig

__all__ = ["ConfigState"]


class ConfigState:
    """Layers, lowest precedence first, around an environment layer made once checks are known."""

    def __init__(
        self,
        project_root: Path,
        below_env: Sequence[ConfigLayer],
        above_env: Sequence[ConfigLayer],
        environ: Mapping[str, str] | None,
    ) -> None:
        self.project_root = project_root
        self._below = list(below_env)
        self._above = list(above_env)
        self._environ = environ
        self._layers: list[ConfigLayer] = []
        self._updates: ConfigLayer | None = None
        self._resolved: ResolvedConfig | None = None

    @classmethod
    def gather(
        cls,
        project_root: str | Path | None,
        config: BaseModel | Mapping[str, Any] | None,
        *,
        profile: str | None,
        overrides: Sequence[str],
        environ: Mapping[str, str],
    ) -> ConfigState:
        """Files, profile, environment and flags; or, given ``config``, that alone.

        :raises ConfigError: unreadable file, unknown profile, malformed override.
        """
        if config is not None:
            root = Path(project_root).resolve() if project_root else Path.cwd()
            return cls(root, [model_layer(config, "configuration passed to AutocodeDaemon")], [], None)
        start = Path(project_root) if project_root else None
        sources = load_sources(start, profile=profile, environ=environ, overrides=overrides)
        root = Path(project_root).resolve() if project_root else sources.project_root
        return cls(root, sources.layers, sources.overrides, environ)

    def raw(self) -> dict[str, Any]:
        """Every layer merged, unvalidated (what is known before plugins load)."""
        merged: dict[str, Any] = {}
        for layer in (*self._below, *self._above):
            merged = deep_merge(merged, layer.data)
        return merged

    @property
    def resolved(self) -> ResolvedConfig:
        """The current resolution (``resolve`` must have run)."""
        assert self._resolved is not None, "resolve() first"
        return self._resolved

    def resolve(self, checks: Mapping[str, CheckConfig]) -> ResolvedConfig:
        """Add the environment layer for these checks and validate everything.

        :raises ConfigError: every problem, with source, key and reason.
        """
        env = [env_layer(self._environ, checks)] if self._environ is not None else []
        self._layers = [*self._below, *env, *self._above]
        self._resolved = resolve_config(self._layers, checks, self.project_root)
        return self._resolved

    def preview(self, update: BaseModel | Mapping[str, Any], checks: Mapping[str, CheckConfig]) -> tuple[ResolvedConfig, ConfigLayer]:
        """What ``update`` (overlaid on earlier updates) would resolve to; changes nothing.

        :raises ConfigError: the result would be invalid, or ``update`` names a
            setting that only applies at start (``start_only``).
        """
        layer = model_layer(update, "update_config")
        refused = start_only_problems(layer.data)
        if refused:
            raise ConfigError(refused)
        if self._updates is not None:
            layer = ConfigLayer("update_config", deep_merge(self._updates.data, layer.data))
        return resolve_config([*self._layers, layer], checks, self.project_root), layer

    def accept(self, resolved: ResolvedConfig, updates: ConfigLayer) -> None:
        """Make a previewed resolution current."""
        self._resolved, self._updates = resolved, updates
