"""Where configuration comes from: files, profiles, environment, flags.

Sources, lowest to highest precedence:

1. built-in and plugin defaults;
2. ``autocode.toml`` (top level) or ``[tool.autocode]`` in ``pyproject.toml``,
   the first found walking up from the working directory; its folder is the
   project root;
3. the profile chosen by ``--profile`` / ``AUTOCODE_PROFILE``, a table under
   ``profiles.<name>`` in that file;
4. environment variables (see ``env_layer``);
5. command-line flags (``--set daemon.max_concurrent_checks=4`` and friends).

Each source becomes a ``ConfigLayer``: plain data plus what the user wrote for
each key, so an error can name the file or variable, the key and the reason.
Files and configuration built in Python are *typed*: their values are taken as
written (``enabled = "yes"`` is an error, see ``typed_sources``). Environment
variables and flags are text: a value is JSON when it parses (``4``, ``true``,
``["a"]``), else the string, and is then converted as pydantic does.

Finding and reading the file itself is ``config.files``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from autocode_core.config.files import file_label, find_project, profiles_of, read_config_file
from autocode_core.errors import ConfigError, ConfigProblem
from autocode_core.models import CheckConfig

__all__ = [
    "ConfigLayer",
    "ConfigSources",
    "cli_layer",
    "env_layer",
    "find_project",
    "load_sources",
    "model_layer",
]

GENERIC_ENV_PREFIX = "AUTOCODE__"
CORE_ENV_VARS = {
    "AUTOCODE_API_TOKEN": "api.token",
    "AUTOCODE_WEBHOOK_URL": "notifications.webhook_url",
    "AUTOCODE_SLACK_WEBHOOK": "notifications.slack_webhook",
    "AUTOCODE_SMTP_PASSWORD": "notifications.smtp_password",
}


@dataclass
class ConfigLayer:
    """One source of configuration: ``data`` uses canonical keys; ``written``
    maps a canonical dotted key to what the user wrote, where they differ."""

    source: str
    data: dict[str, Any]
    written: dict[str, str] = field(default_factory=dict)
    typed: bool = True  # values are taken as written; False: text, converted (environment, flags)
    #: dotted keys whose non-table value a deeper key replaced (``AUTOCODE__DAEMON=5``
    #: and ``AUTOCODE__DAEMON__X=1``): reported, as a table was expected there
    replaced: dict[str, Any] = field(default_factory=dict)

    def set(self, path: str, value: Any, written: str | None = None) -> None:
        """Set a dotted ``path`` (deep-merging dicts) and remember how it was written."""
        parts = path.split(".")
        node = self.data
        for depth, part in enumerate(parts[:-1], 1):
            child = node.get(part)
            if not isinstance(child, dict):
                if part in node:
                    self.replaced[".".join(parts[:depth])] = child
                child = node[part] = {}
            node = child
        old = node.get(parts[-1])
        node[parts[-1]] = deep_merge(old, value) if isinstance(old, dict) else value
        if written is not None and written != path:
            self.written[path] = written

    def pop(self, path: str) -> Any:
        """Remove and return the value at a dotted path, or ``None``."""
        parts = path.split(".")
        node: Any = self.data
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            return node.pop(parts[-1], None)
        return None


@dataclass
class ConfigSources:
    """Everything read before plugins are known."""

    project_root: Path
    config_file: Path | None
    profile: str | None
    layers: list[ConfigLayer]
    environ: Mapping[str, str]
    overrides: list[ConfigLayer] = field(default_factory=list)


def deep_merge(base: Any, top: Any) -> Any:
    """``top`` over ``base``: dicts merge key by key, anything else replaces."""
    if not (isinstance(base, dict) and isinstance(top, dict)):
        return top
    merged = dict(base)
    for key, value in top.items():
        merged[key] = deep_merge(merged.get(key), value) if key in merged else value
    return merged


def parse_value(text: str) -> Any:
    """An environment or flag value: JSON if it parses (numbers, booleans,
    lists), else the string itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_sources(
    start: Path | None = None,
    *,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Iterable[str] = (),
    config_file: Path | None = None,
) -> ConfigSources:
    """Read the file and profile layers, and the flag overrides.

    :param config_file: use this file instead of searching; its folder is the root.
    :raises ConfigError: unreadable file, unknown profile, malformed override.
    """
    environ = os.environ if environ is None else environ
    path: Path | None
    if config_file is not None:
        root, path = config_file.resolve().parent, config_file.resolve()
    else:
        root, path = find_project(start or Path.cwd())
    profile = profile or environ.get("AUTOCODE_PROFILE") or None
    layers: list[ConfigLayer] = []
    profiles: dict[str, Any] = {}
    if path is not None:
        data = read_config_file(path)
        profiles = profiles_of(data, file_label(path))
        layers.append(ConfigLayer(file_label(path), data))
    if profile is not None:
        if profile not in profiles:
            known = ", ".join(sorted(profiles))
            where = file_label(path) if path else "no configuration file"
            raise ConfigError(
                ConfigProblem(where, f"profiles.{profile}", f"no such profile (known: {known or 'none'})")
            )
        layers.append(ConfigLayer(f"profile {profile!r} in {file_label(path)}", profiles[profile]))  # type: ignore[arg-type]
    return ConfigSources(root, path, profile, layers, environ, [cli_layer(overrides)])


def env_layer(environ: Mapping[str, str], checks: Mapping[str, CheckConfig]) -> ConfigLayer:
    """Configuration from environment variables.

    * ``AUTOCODE__<SECTION>__<KEY>[__<KEY>...]`` sets any key, e.g.
      ``AUTOCODE__DAEMON__MAX_CONCURRENT_CHECKS=4`` or
      ``AUTOCODE__CHECKS__GIT_CHECK__OUTPUT_PATH=changes.json``;
    * ``AUTOCODE_<CHECK NAME>_INTERVAL`` sets a check's interval in minutes;
    * each plugin's own variables (``CheckConfig.env_vars``), such as
      ``AUTOCODE_TOKEN_THRESHOLD``;
    * ``AUTOCODE_API_TOKEN``, ``AUTOCODE_WEBHOOK_URL``, ``AUTOCODE_SLACK_WEBHOOK`` and
      ``AUTOCODE_SMTP_PASSWORD`` set the secrets of the API and of notifications.
    """
    layer = ConfigLayer("environment", {}, typed=False)
    for var in sorted(environ):
        if var.startswith(GENERIC_ENV_PREFIX) and len(var) > len(GENERIC_ENV_PREFIX):
            path = ".".join(p.lower() for p in var[len(GENERIC_ENV_PREFIX) :].split("__"))
            layer.set(path, parse_value(environ[var]), f"${var}")
    for var, path in CORE_ENV_VARS.items():
        if var in environ:
            layer.set(path, environ[var], f"${var}")
    for name, check in checks.items():
        var = f"AUTOCODE_{name.upper().replace('.', '_').replace('-', '_')}_INTERVAL"
        if var in environ:
            layer.set(f"daemon.{name}.interval_minutes", parse_value(environ[var]), f"${var}")
        for var, settings_path in check.env_vars.items():
            if var in environ:
                path = ".".join(p for p in ("checks", name, settings_path) if p)
                layer.set(path, parse_value(environ[var]), f"${var}")
    return layer


def cli_layer(overrides: Iterable[str]) -> ConfigLayer:
    """``KEY=VALUE`` flags (dotted keys) as a layer.

    :raises ConfigError: an override without ``=`` or with an empty key.
    """
    layer = ConfigLayer("command line", {}, typed=False)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(ConfigProblem("command line", f"--set {item!r}", "expected KEY=VALUE", ()))
        layer.set(key.strip(), parse_value(value), f"--set {key.strip()}")
    return layer


def model_to_data(value: Any) -> Any:
    """What a user set in a model, recursively: unset defaults are left out,
    so a partial model overrides only what it names."""
    if isinstance(value, BaseModel):
        data = {k: model_to_data(getattr(value, k)) for k in value.model_fields_set}
        for key, extra in (value.model_extra or {}).items():
            data[key] = model_to_data(extra)
        return data
    if isinstance(value, dict):
        return {k: model_to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [model_to_data(v) for v in value]
    return value


def model_layer(config: BaseModel | Mapping[str, Any], source: str) -> ConfigLayer:
    """A layer from a configuration built in Python (a model or a plain dict)."""
    data = model_to_data(config) if isinstance(config, BaseModel) else model_to_data(dict(config))
    return ConfigLayer(source, data)
