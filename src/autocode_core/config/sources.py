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

A configuration file that exists but cannot be used (a folder, a symbolic link
loop or to nothing, not UTF-8, not TOML, a table of the wrong type) is a
``ConfigError`` naming the file: never skipped, never a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

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

    def set(self, path: str, value: Any, written: str | None = None) -> None:
        """Set a dotted ``path`` (deep-merging dicts) and remember how it was written."""
        parts = path.split(".")
        node = self.data
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
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


def _has_autocode_table(pyproject: Path) -> bool:
    try:
        tool = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
    except (OSError, ValueError):
        return True  # let read_config_file report the problem
    return not isinstance(tool, dict) or "autocode" in tool


def _unusable(path: Path) -> str | None:
    """Why an existing ``path`` cannot be read as a configuration file (``None``: it can, or is absent)."""
    if not os.path.lexists(path):
        return None
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link loop"
        if exc.errno == errno.ENOENT:
            return f"is a symbolic link to {os.readlink(path)}, which does not exist"
        return f"cannot be read ({exc.strerror or exc})"
    if path.is_dir():
        return "is a folder, not a configuration file"
    if not path.is_file():
        return "is not a regular file"
    return None


def _usable(path: Path) -> bool:
    """True for a regular file, False when absent.

    :raises ConfigError: it exists but cannot be a configuration file.
    """
    problem = _unusable(path)
    if problem is not None:
        raise ConfigError(ConfigProblem(_file_label(path, table=False), "", problem, ()))
    return path.is_file()


def find_project(start: Path) -> tuple[Path, Path | None]:
    """Walk up from ``start`` to the project's configuration.

    :return: ``(project root, config file or None)``. Without a config file the
        root is the nearest folder holding ``pyproject.toml`` or ``.git``, else
        ``start``.
    :raises ConfigError: an ``autocode.toml`` or ``pyproject.toml`` on the way
        that is not a readable file (a folder, a broken symbolic link...).
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if _usable(folder / "autocode.toml"):
            return folder, folder / "autocode.toml"
        pyproject = folder / "pyproject.toml"
        if _usable(pyproject) and _has_autocode_table(pyproject):
            return folder, pyproject
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder, None
    return start, None


def _file_label(path: Path, *, table: bool = True) -> str:
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return f"{shown} [tool.autocode]" if table and path.name == "pyproject.toml" else shown


def _not_utf8(exc: UnicodeDecodeError) -> str:
    line = exc.object[: exc.start].count(b"\n") + 1
    return f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} on line {line}"


def read_config_file(path: Path) -> dict[str, Any]:
    """The autocode table of a config file.

    :raises ConfigError: unreadable file, not UTF-8, invalid TOML, or a table of the wrong type.
    """
    problem = _unusable(path)
    if problem is not None:
        raise ConfigError(ConfigProblem(str(path), "", problem, ()))
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(ConfigProblem(str(path), "", f"cannot read: {exc.strerror or exc}", ())) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(ConfigProblem(str(path), "", _not_utf8(exc), ())) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(ConfigProblem(str(path), "", f"invalid TOML: {exc}", ())) from exc
    if path.name != "pyproject.toml":
        return document
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(ConfigProblem(str(path), "tool", f"must be a table, not {type(tool).__name__}", ()))
    table = tool.get("autocode", {})
    if not isinstance(table, dict):
        raise ConfigError(
            ConfigProblem(str(path), "tool.autocode", f"must be a table, not {type(table).__name__}", ())
        )
    return table


def _profiles(data: dict[str, Any], label: str) -> dict[str, dict[str, Any]]:
    """The ``profiles`` table of a file, taken out of ``data``.

    :raises ConfigError: it is not a table of tables.
    """
    profiles = data.pop("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(ConfigProblem(label, "profiles", f"must be a table of profiles (got {profiles!r})"))
    wrong = [
        ConfigProblem(label, f"profiles.{name}", f"must be a table (got {value!r})")
        for name, value in profiles.items()
        if not isinstance(value, dict)
    ]
    if wrong:
        raise ConfigError(wrong)
    return profiles


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
        profiles = _profiles(data, _file_label(path))
        layers.append(ConfigLayer(_file_label(path), data))
    if profile is not None:
        if profile not in profiles:
            known = ", ".join(sorted(profiles))
            where = _file_label(path) if path else "no configuration file"
            raise ConfigError(
                ConfigProblem(where, f"profiles.{profile}", f"no such profile (known: {known or 'none'})")
            )
        layers.append(ConfigLayer(f"profile {profile!r} in {_file_label(path)}", profiles[profile]))  # type: ignore[arg-type]
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
