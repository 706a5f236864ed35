"""Which folder autocode may keep its state in: only one it owns.

autocode makes its state folder ignore itself for git (a ``.gitignore`` of
``*``). Done to a folder holding anything else, that would hide the user's
files from git (and ``git clean -X`` would delete them). So the state folder is
one of:

* a folder that does not exist yet, or an empty one: autocode creates it and
  claims it with a marker file (``.autocode-state``, JSON with a version);
* a folder that holds that marker, or is named ``.autocode`` (autocode's by name);
* a folder written by an earlier autocode (no marker yet, nothing but
  autocode's own files: an autocode ``.gitignore``, ``history.db*``,
  ``daemon.lock``, token caches, ``checks/``): adopted, that is marked.

Refused, with the reason ``state_dir_problem`` returns: the project root or a
folder above it; a relative path that leaves the project (an absolute path
may point outside it, to an empty or owned folder); git's own folder; a file;
a source or documentation folder by name (``src``, ``lib``, ``docs``, ``doc``,
``tests``, ``test``), even before it exists; any other folder holding files
autocode did not write.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

__all__ = ["DEFAULT_NAME", "MARKER_NAME", "MARKER_VERSION", "SOURCE_FOLDERS", "is_autocode_ignore", "state_dir_problem"]

MARKER_NAME = ".autocode-state"
MARKER_VERSION = 1
DEFAULT_NAME = ".autocode"
SOURCE_FOLDERS = frozenset({"src", "lib", "docs", "doc", "tests", "test"})
#: files autocode (or a first-party plugin) writes at the top of its state folder
OWN_FILES = (MARKER_NAME, "history.db*", "daemon.lock", "*_token_cache.json", ".*.tmp", ".ready-*")
#: folders autocode writes there (``CheckContext.state_folder()``)
OWN_FOLDERS = ("checks",)
SHOWN_FOREIGN = 3


def is_autocode_ignore(path: Path) -> bool:
    """True when ``path`` is a ``.gitignore`` that ignores everything (``*``), as autocode writes it."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    rules = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return rules == ["*"]


def _own(folder: Path, name: str, ours_ignore: bool) -> bool:
    """Whether an entry of a folder without a marker is one autocode writes."""
    if name == ".gitignore":
        return ours_ignore
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in OWN_FILES):
        return True  # even if it is not a file: the lock and the history say what is wrong with it
    return ours_ignore and name in OWN_FOLDERS and (folder / name).is_dir()


def _shown(folder: Path, root: Path) -> str:
    return str(folder.relative_to(root)) if folder.is_relative_to(root) else str(folder)


def _foreign_problem(folder: Path, root: Path) -> str | None:
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if folder.name == DEFAULT_NAME or (MARKER_NAME in names and (folder / MARKER_NAME).is_file()):
        return None  # autocode's
    ours_ignore = ".gitignore" in names and is_autocode_ignore(folder / ".gitignore")
    foreign = [name for name in names if not _own(folder, name, ours_ignore)]
    if not foreign:
        return None  # empty, or written by an earlier autocode: adopted
    listed = ", ".join(foreign[:SHOWN_FOREIGN]) + (", ..." if len(foreign) > SHOWN_FOREIGN else "")
    reason = f"holds files autocode did not write ({listed})"
    if ours_ignore:
        reason += (
            f"; {_shown(folder, root)}/.gitignore was written by an earlier autocode and hides"
            " this folder from git: delete it"
        )
    return reason + "; autocode keeps its state in a folder of its own (default .autocode)"


def state_dir_problem(project_root: Path, state_dir: str) -> str | None:
    """Why ``state_dir`` (``daemon.state_dir``, relative to ``project_root`` unless
    absolute) cannot be autocode's state folder, or ``None`` when it can.

    Reads the folder's listing; writes nothing.
    """
    root = project_root.resolve()
    text = state_dir.strip()
    if not text:
        return "is the project root"
    written = Path(text)
    resolved = (written if written.is_absolute() else root / written).resolve()
    if resolved == root:
        return "is the project root"
    if resolved in root.parents:
        return "is a parent of the project root"
    inside = resolved.is_relative_to(root)
    if not written.is_absolute() and not inside:
        return "is outside the project (write an absolute path to keep the state elsewhere)"
    parts = resolved.relative_to(root).parts if inside else resolved.parts
    if ".git" in parts:
        return "is git's own folder"
    if resolved.exists() and not resolved.is_dir():
        return "is a file, not a folder"
    if inside and resolved.name.lower() in SOURCE_FOLDERS:
        return "is a source or documentation folder"
    if not resolved.is_dir():
        return None  # autocode creates it
    return _foreign_problem(resolved, root)
