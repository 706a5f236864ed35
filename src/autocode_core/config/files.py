"""Finding and reading the configuration file.

``find_project`` walks up from the working directory to the first
``autocode.toml``, or ``pyproject.toml`` with a ``[tool.autocode]`` table; its
folder is the project root. ``read_config_file`` returns the autocode table.

A configuration file that exists but cannot be used (a folder, a symbolic link
loop or to nothing, something that is not a regular file, not UTF-8, not TOML,
a table of the wrong type) is a ``ConfigError`` naming the file: never
skipped, never a traceback.
"""

from __future__ import annotations

import errno
import os
import tomllib
from pathlib import Path
from typing import Any

from autocode_core.errors import ConfigError, ConfigProblem

__all__ = ["file_label", "find_project", "profiles_of", "read_config_file"]


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
        raise ConfigError(ConfigProblem(file_label(path, table=False), "", problem, ()))
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


def file_label(path: Path, *, table: bool = True) -> str:
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

    :raises ConfigError: unreadable file, not UTF-8, invalid TOML, a table of the wrong
        type, or ``[tool.autocode]`` tables in a file other than ``pyproject.toml``.
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
        tool = document.get("tool")
        if isinstance(tool, dict) and "autocode" in tool:  # pasted from a pyproject.toml example
            raise ConfigError(ConfigProblem(
                str(path), "tool.autocode",
                "[tool.autocode...] tables belong in pyproject.toml; in this file write the same "
                "settings without the `tool.autocode.` prefix (e.g. [daemon], [checks.doc_check])",
                (),
            ))
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


def profiles_of(data: dict[str, Any], label: str) -> dict[str, dict[str, Any]]:
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
