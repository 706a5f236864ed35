"""Writing what ``autocode init`` decided: TOML with the reasons as comments, and ``.gitignore``.

The configuration goes to ``autocode.toml`` (top-level tables) or to
``[tool.autocode]`` tables appended to ``pyproject.toml``. An existing
configuration (``autocode.toml``, or ``[tool.autocode`` tables in
``pyproject.toml``) is never replaced without ``force``; with it, the old
tables are removed first. Files are written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autocode_core.onboarding.decisions import Plan
from autocode_core.store.state_dir import write_atomic

__all__ = ["existing_config", "render", "update_gitignore", "write_config"]

HEADER = "# written by `autocode init`: what it decided and why (see README: autocode init)\n"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        if len(value) <= 3:
            return "[" + ", ".join(_value(v) for v in value) + "]"
        return "[\n" + "".join(f"    {_value(v)},\n" for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def render(plan: Plan, prefix: str = "") -> str:
    """The decided settings as TOML tables (``prefix`` ``tool.autocode`` for pyproject.toml)."""
    tables: dict[str, list[str]] = {}
    for decision in plan.decisions:
        if decision.value is None:
            continue
        table, _, key = decision.key.rpartition(".")
        lines = tables.setdefault(table, [])
        lines += [f"# {line}" for line in _wrap(decision.why)]
        lines.append(f"{key} = {_value(decision.value)}")
    out = [HEADER]
    for table, lines in tables.items():
        name = ".".join(p for p in (prefix, table) if p)
        out.append(f"\n[{name}]\n" + "\n".join(lines) + "\n")
    return "".join(out)


def _wrap(text: str, width: int = 96) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _autocode_tables(text: str) -> bool:
    return any(line.strip().startswith(("[tool.autocode]", "[tool.autocode.")) for line in text.splitlines())


def existing_config(root: Path) -> Path | None:
    """The file that already configures autocode in ``root``, if any."""
    if (root / "autocode.toml").exists():
        return root / "autocode.toml"
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and _autocode_tables(pyproject.read_text("utf-8", "replace")):
        return pyproject
    return None


def _without_autocode(text: str) -> str:
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            inside = stripped.startswith(("[tool.autocode]", "[tool.autocode."))
        elif stripped.startswith("[["):
            inside = stripped.startswith("[[tool.autocode")
        if not inside:
            kept.append(line)
    return "".join(kept).rstrip("\n") + "\n"


def write_config(root: Path, plan: Plan, *, pyproject: bool, force: bool = False) -> Path:
    """Write the configuration; returns the file written.

    :raises FileExistsError: autocode is already configured there and ``force`` is false.
    """
    found = existing_config(root)
    if found is not None and not force:
        raise FileExistsError(found)
    if pyproject:
        target = root / "pyproject.toml"
        old = target.read_text("utf-8") if target.is_file() else ""
        if found == target:
            old = _without_autocode(old)
        write_atomic(target, (old.rstrip("\n") + "\n\n" if old.strip() else "") + render(plan, "tool.autocode"))
        return target
    target = root / "autocode.toml"
    write_atomic(target, render(plan))
    return target


def update_gitignore(root: Path, entries: list[str]) -> list[str]:
    """Append the ``entries`` ``.gitignore`` lacks; returns those added."""
    path = root / ".gitignore"
    text = path.read_text("utf-8") if path.is_file() else ""
    present = {line.strip().lstrip("/") for line in text.splitlines()}
    added = [e for e in entries if e.lstrip("/") not in present]
    if added:
        prefix = text if not text or text.endswith("\n") else text + "\n"
        write_atomic(path, prefix + "# autocode's outputs (autocode init)\n" + "".join(f"{e}\n" for e in added))
    return added
