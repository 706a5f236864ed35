"""The files autocode itself writes, which the git check must never report.

They are: the check's own summary (``output_path``), the daemon's state
folder (``daemon.state_dir``, ``.autocode`` by default) and every settings
field named ``output_path`` in any check's settings, found recursively in
nested pydantic models, dicts and lists (the docs index, for instance).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

__all__ = ["own_output_paths"]


def _output_paths(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 8:
        return
    if isinstance(value, BaseModel):
        items: Any = ((name, getattr(value, name, None)) for name in type(value).model_fields)
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = ((None, v) for v in value)
    else:
        return
    for key, item in items:
        if key == "output_path" and isinstance(item, (str, os.PathLike)):
            yield os.fspath(item)
        else:
            yield from _output_paths(item, depth + 1)


def _relative(project_root: Path, path: str) -> str | None:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = project_root / candidate
    try:
        rel = Path(os.path.normpath(candidate)).relative_to(os.path.normpath(project_root))
    except ValueError:
        return None  # outside the project: git does not see it from here
    text = rel.as_posix()
    return None if text in ("", ".") else text


def own_output_paths(project_root: Path, settings: Any, config: Any) -> list[str]:
    """Project-relative paths (files or folders) written by autocode, sorted.

    :param settings: this check's settings (``output_path`` is taken from it).
    :param config: the whole ``AutocodeConfig`` (state folder, other checks' settings).
    """
    found: set[str] = set()
    candidates = list(_output_paths(settings))
    daemon = getattr(config, "daemon", None)
    candidates += [".autocode", getattr(daemon, "state_dir", None) or ".autocode"]
    candidates += list(_output_paths(getattr(config, "checks", {}) or {}))
    for path in candidates:
        rel = _relative(project_root, path)
        if rel is not None:
            found.add(rel)
    return sorted(found)
