"""``DaemonSnapshot``: one typed picture of the daemon, and the views derived from it."""

from __future__ import annotations

from autocode_core.testing import AutocodeHarness


def test_memory_over_the_limit_is_flagged(tmp_path) -> None:
    daemon = AutocodeHarness().daemon(tmp_path, {"daemon": {"max_memory_usage_mb": 16}})  # the lowest allowed
    health = daemon.get_health_metrics()
    assert health["daemon"]["memory_warning"] is True and health["daemon"]["memory_limit_mb"] == 16
    assert health["history"] == {"enabled": False}  # nothing recorded yet: no file was created
    assert health["notifications"] == {"enabled": False, "channels": {}}
    assert not (tmp_path / ".autocode").exists()
