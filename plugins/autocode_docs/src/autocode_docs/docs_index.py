"""The docs index: a JSON map of the docs tree, for tools and assistants.

``build_docs_index`` describes every document (Markdown, or reStructuredText
with ``doc_format = "rst"``) under the docs folder::

    {
      "timestamp": "2026-01-01T00:00:00+00:00",
      "project_name": "<first '# ' heading of docs/_index.md>",
      "config": {"output_path": ..., "generated_by": "autocode-docs", "format_version": 1},
      "documentation_stats": {"total_files": n, "total_modules": n,
                              "total_directories": n, "total_purposes_found": n},
      "structure": {"docs/": <node>}
    }

A node is a folder: ``type`` (``root`` for the docs folder, ``module`` when it
holds ``_module.md``, ``index`` when it holds ``_index.md``, else
``directory``), that document's path (``index_file``/``module_file``),
``purpose`` and ``last_modified``, then ``subdirectories`` (path -> node) and
``files`` (path -> ``{"type": "file_doc", "purpose", "last_modified"}``).
``last_modified`` is the last commit changing the document in git mode (the
file time if it has uncommitted edits, flagged ``"uncommitted": true``), the
file time otherwise. Keys are sorted, so equal trees give equal JSON.

``write_docs_index`` replaces the file atomically (the toolkit's
``write_json_atomic``), and only when something other than ``timestamp`` changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autocode_core.toolkit import write_json_atomic
from autocode_docs.markdown_purpose import extract_purpose, extract_title, rst_purpose, rst_title

__all__ = ["build_docs_index", "index_stats", "write_docs_index"]

FORMAT_VERSION = 1


def _read(path: str) -> str | None:
    """The file's text (undecodable bytes replaced), ``None`` if it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def build_docs_index(
    root: Path,
    docs_dir: str,
    docs: Iterable[str],
    last_change: Callable[[str], str | None],
    is_uncommitted: Callable[[str], bool] = lambda path: False,
    *,
    output_path: str = ".clinerules/docs_index.json",
    now: datetime | None = None,
    doc_format: str = "md",
    texts: dict[str, tuple[int, int, str | None, str | None]] | None = None,
) -> dict[str, Any]:
    """The index of the documents among ``docs`` (paths relative to ``root``).

    :param doc_format: ``"md"`` (Markdown) or ``"rst"`` (reStructuredText):
        which files are documents, and how titles and purposes are read.
    :param texts: a cache of ``(mtime_ns, size, purpose, title)`` by document,
        read and updated: an unchanged document is not read again.
    """
    ext = "." + doc_format
    purpose_of, title_of = (
        (rst_purpose, rst_title) if doc_format == "rst" else (extract_purpose, extract_title)
    )

    base = os.fspath(root) + os.sep

    def read(doc: str) -> tuple[str | None, str | None]:
        """(purpose, title) of ``doc``, from ``texts`` while size and mtime match."""
        path = base + doc
        if texts is None:
            text = _read(path)
            return (None, None) if text is None else (purpose_of(text), title_of(text))
        try:
            info = os.stat(path)
        except OSError:
            return None, None
        known = texts.get(doc)
        if known is not None and known[:2] == (info.st_mtime_ns, info.st_size):
            return known[2], known[3]
        text = _read(path)
        found = (None, None) if text is None else (purpose_of(text), title_of(text))
        texts[doc] = (info.st_mtime_ns, info.st_size, *found)
        return found

    prefix = docs_dir + "/"
    top: dict[str, Any] = {}
    folders: dict[str, dict[str, Any]] = {docs_dir: top}

    def node(folder: str) -> dict[str, Any]:
        found = folders.get(folder)
        if found is None:
            found = folders[folder] = {}
            parent = node(folder.rpartition("/")[0])
            parent.setdefault("subdirectories", {})[folder + "/"] = found
        return found

    title = None
    for doc in sorted(d for d in docs if d.startswith(prefix) and d.endswith(ext)):
        purpose, doc_title = read(doc)
        folder, _, name = doc.rpartition("/")
        entry: dict[str, Any] = {
            "purpose": purpose,
            "last_modified": last_change(doc),
        }
        if is_uncommitted(doc):
            entry["uncommitted"] = True
        target = node(folder)
        if name == "_index" + ext:
            if folder == docs_dir:
                title = doc_title
            if target.get("type") != "module":
                target.update(
                    {"type": "root" if folder == docs_dir else "index", "index_file": doc, **entry}
                )
        elif name == "_module" + ext:
            target.update({"type": "module", "module_file": doc, **entry})
        else:
            target.setdefault("files", {})[doc] = {"type": "file_doc", **entry}
    for folder, data in folders.items():
        data.setdefault("type", "root" if folder == docs_dir else "directory")
    structure = {docs_dir + "/": top}
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "project_name": title or root.resolve().name,
        "config": {
            "output_path": output_path,
            "generated_by": "autocode-docs",
            "format_version": FORMAT_VERSION,
        },
        "documentation_stats": index_stats(top),
        "structure": structure,
    }


def index_stats(top: dict[str, Any]) -> dict[str, int]:
    """Counts of file docs, module/index docs, folders and purposes found."""
    stats = {
        "total_files": 0,
        "total_modules": 0,
        "total_directories": 0,
        "total_purposes_found": 0,
    }

    def walk(node: dict[str, Any]) -> None:
        if node.get("module_file") or node.get("index_file"):
            stats["total_modules"] += 1
            stats["total_purposes_found"] += node.get("purpose") is not None
        for info in node.get("files", {}).values():
            stats["total_files"] += 1
            stats["total_purposes_found"] += info.get("purpose") is not None
        for child in node.get("subdirectories", {}).values():
            stats["total_directories"] += 1
            walk(child)

    walk(top)
    return stats


def _without_timestamp(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k != "timestamp"}
    return data


def write_docs_index(path: Path, data: dict[str, Any]) -> bool:
    """Write ``data`` as JSON to ``path`` atomically if it differs beyond ``timestamp``.

    :return: True if the file was written.
    """
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = None
    if current is not None and _without_timestamp(current) == _without_timestamp(data):
        return False
    write_json_atomic(path, data, indent=2, sort_keys=True)
    return True
