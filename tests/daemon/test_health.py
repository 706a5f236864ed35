"""Process memory and the health report."""

from __future__ import annotations

from autocode_core.daemon.health import memory_mb
from autocode_core.testing import AutocodeHarness


def test_memory_is_the_resident_size() -> None:
    before = memory_mb()
    block = bytearray(64 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    after = memory_mb()
    assert before is not None and after is not None and after - before > 50
    del block


def test_memory_over_the_limit_is_flagged(tmp_path) -> None:
    daemon = AutocodeHarness().daemon(tmp_path, {"daemon": {"max_memory_usage_mb": 1}})
    health = daemon.get_health_metrics()
    assert health["daemon"]["memory_warning"] is True and health["daemon"]["memory_limit_mb"] == 1
    assert health["history"] == {"enabled": False}  # nothing recorded yet: no file was created
    assert health["notifications"] == {"enabled": False, "channels": {}}
    assert not (tmp_path / ".autocode").exists()
