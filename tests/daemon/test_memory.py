"""Process memory of the daemon."""

from __future__ import annotations

from autocode_core.daemon.memory import memory_mb


def test_memory_is_the_resident_size() -> None:
    before = memory_mb()
    block = bytearray(64 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    after = memory_mb()
    assert before is not None and after is not None and after - before > 50
    del block
