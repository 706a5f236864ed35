"""Writing the summary file atomically: a temporary file in the same folder, then ``os.replace``.

A reader never sees a half-written summary, and a failed write leaves the
previous file untouched.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from autocode_core import PluginError

__all__ = ["write_json_atomically"]


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON to ``path``, creating its folders.

    :raises PluginError: the file cannot be written (the message names it).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise PluginError(f"output_path {str(path)!r} is a folder, not a file")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise PluginError(f"cannot write {path}: {exc}") from exc
