"""The messages between the daemon and a worker process.

Frames are a 4-byte big-endian length and a payload. The daemon sends pickled
``WorkRequest``s (it trusts itself); a worker answers with JSON objects only,
so nothing a plugin produces is unpickled by the daemon:

* ``{"type": "ready", "pid": ...}`` once, when the worker can take work;
* ``{"type": "log", "level": ..., "event": ..., ...}`` for each log event;
* ``{"type": "result", "run_id": ..., "result": {...}}`` a valid, JSON-clean result;
* ``{"type": "failure", "run_id": ..., "failure": kind, "message": ..., ...}``
  when the run ended without a result (a raise, a wrong return value...).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from anyio.streams.buffered import BufferedByteReceiveStream

__all__ = [
    "MAX_FRAME",
    "PreloadRequest",
    "WorkRequest",
    "read_frame",
    "read_frame_sync",
    "write_frame_sync",
]

#: no frame is longer (a result over the details cap never gets this far)
MAX_FRAME = 64 * 1024 * 1024
_HEADER = struct.Struct(">I")


@dataclass(frozen=True)
class PluginRef:
    """How a worker finds a plugin: its name and an importable ``module:attribute``."""

    name: str
    target: str
    label: str


@dataclass(frozen=True)
class WorkRequest:
    """One run for a worker (pickled): everything ``CheckContext`` needs."""

    run_id: str
    plugin: PluginRef
    check_name: str
    project_root: Path
    settings: Any
    config: Any
    timeout_seconds: float
    trigger: str
    changed_paths: frozenset[str] | None = None


@dataclass(frozen=True)
class PreloadRequest:
    """Import these plugins now, so the first run of each is warm."""

    plugins: tuple[PluginRef, ...] = field(default_factory=tuple)


def write_frame_sync(stream: IO[bytes], payload: bytes) -> None:
    """Write one frame and flush (worker side)."""
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame_sync(stream: IO[bytes]) -> bytes | None:
    """Read one frame (worker side); ``None`` at end of stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    return data if len(data) == size else None


async def read_frame(stream: BufferedByteReceiveStream) -> dict[str, Any]:
    """Read one JSON frame (daemon side).

    :raises anyio.IncompleteRead: the worker's end closed mid-frame.
    :raises anyio.EndOfStream: the worker's end closed.
    :raises ValueError: not a JSON object, or too long.
    """
    (size,) = _HEADER.unpack(await stream.receive_exactly(_HEADER.size))
    if size > MAX_FRAME:
        raise ValueError(f"frame of {size} bytes is over the {MAX_FRAME} limit")
    message = json.loads(await stream.receive_exactly(size))
    if not isinstance(message, dict):
        raise ValueError("a frame must hold a JSON object")
    return message


def frame(payload: bytes) -> bytes:
    """A frame holding ``payload`` (daemon side, to write to the worker's stdin)."""
    return _HEADER.pack(len(payload)) + payload
