"""In-memory run statistics."""

from __future__ import annotations

from autocode_core.models import CheckResult, utc_now
from autocode_core.store.metrics import RECENT_DURATIONS, CheckStats, RunStats, percentile


def r(status: str, duration: float = 1.0) -> CheckResult:
    return CheckResult(check_name="c", status=status, message="m", duration_seconds=duration, timestamp=utc_now())


def test_percentile_nearest_rank() -> None:
    assert percentile([], 0.95) is None
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([float(i) for i in range(1, 101)], 0.95) == 95.0


def test_streak_success_rate_and_bounded_memory() -> None:
    stats = RunStats()
    for status in ("success", "error", "error", "warning", "error"):
        stats.record(r(status))
    check = stats.checks["c"].to_dict()
    assert check["consecutive_errors"] == 1 and check["execution_count"] == 5
    assert check["status_counts"] == {"success": 1, "warning": 1, "error": 3}
    assert stats.success_rate == 0.2 and stats.average_duration == 1.0
    many = CheckStats()
    for i in range(RECENT_DURATIONS * 3):
        many.record(r("success", i))
    assert len(many.recent_durations) == RECENT_DURATIONS
