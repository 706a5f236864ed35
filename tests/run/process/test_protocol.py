"""Frames between the daemon and a worker: length-prefixed, JSON from the worker."""

from __future__ import annotations

import io
import json
import struct

import anyio
import pytest
from anyio.streams.buffered import BufferedByteReceiveStream

from autocode_core.run.process.protocol import (
    MAX_FRAME,
    frame,
    read_frame,
    read_frame_sync,
    write_frame_sync,
)

pytestmark = pytest.mark.anyio


def test_sync_frames_round_trip_and_end_cleanly() -> None:
    out = io.BytesIO()
    write_frame_sync(out, b'{"type": "ready"}')
    write_frame_sync(out, b"")
    stream = io.BytesIO(out.getvalue() + frame(b"partial")[:6])
    assert read_frame_sync(stream) == b'{"type": "ready"}'
    assert read_frame_sync(stream) == b""
    assert read_frame_sync(stream) is None  # cut mid-frame: the end


async def _read(data: bytes) -> dict:
    send, receive = anyio.create_memory_object_stream[bytes](10)
    with send, receive:
        await send.send(data)
        send.close()
        return await read_frame(BufferedByteReceiveStream(receive))


async def test_async_reader_wants_json_objects_within_the_size_limit() -> None:
    assert await _read(frame(json.dumps({"type": "log"}).encode())) == {"type": "log"}
    with pytest.raises(ValueError, match="JSON object"):
        await _read(frame(b"[1, 2]"))
    with pytest.raises(ValueError, match="over the"):
        await _read(struct.pack(">I", MAX_FRAME + 1))
    with pytest.raises((anyio.IncompleteRead, anyio.EndOfStream)):
        await _read(frame(b'{"a": 1}')[:7])
