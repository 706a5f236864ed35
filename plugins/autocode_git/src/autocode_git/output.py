"""Writing the summary file atomically: a temporary file in the same folder, then ``os.replace``.

A reader never sees a half-written summary, and a failed write leaves the
previous file untouched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autocode_core import PluginError
from autocode_core.store.state_dir import write_atomic

__all__ = ["write_json_atomically"]


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON to ``path``, creating its folders.

    :raises PluginError: the file cannot be written (the message names it).
    """
    if path.is_dir():
        raise PluginError(f"output_path {str(path)!r} is a folder, not a file")
    try:
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise PluginError(f"cannot write {path}: {exc}") from exc
