"""Running statistics of check runs, in bounded memory."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from autocode_core.models import CheckResult

__all__ = ["CheckMetrics", "CheckStats", "RunStats", "percentile"]

RECENT_DURATIONS = 200


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of ``values`` (``None`` when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class CheckMetrics(BaseModel):
    """What the runs of one check add up to (from the history when kept, else this process)."""

    model_config = ConfigDict(frozen=True)

    execution_count: int = 0
    status_counts: dict[str, int] = Field(
        default_factory=lambda: {"success": 0, "warning": 0, "error": 0}
    )
    average_duration_seconds: float | None = None
    p95_duration_seconds: float | None = None
    last_execution: datetime | None = None
    last_success: datetime | None = None
    consecutive_errors: int = 0


@dataclass
class CheckStats:
    """Counts and timings of one check's runs since the daemon started."""

    execution_count: int = 0
    status_counts: dict[str, int] = field(
        default_factory=lambda: {"success": 0, "warning": 0, "error": 0}
    )
    total_duration: float = 0.0
    recent_durations: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT_DURATIONS))
    last_execution: datetime | None = None
    last_success: datetime | None = None
    consecutive_errors: int = 0

    def record(self, result: CheckResult) -> None:
        """Account for one finished run."""
        duration = result.duration_seconds or 0.0
        self.execution_count += 1
        self.status_counts[result.status] = self.status_counts.get(result.status, 0) + 1
        self.total_duration += duration
        self.recent_durations.append(duration)
        self.last_execution = result.timestamp
        if result.status == "error":
            self.consecutive_errors += 1
        else:
            self.consecutive_errors = 0
        if result.status == "success":
            self.last_success = result.timestamp

    def metrics(self) -> CheckMetrics:
        """The typed figures."""
        count = self.execution_count
        return CheckMetrics(
            execution_count=count,
            status_counts=dict(self.status_counts),
            average_duration_seconds=self.total_duration / count if count else None,
            p95_duration_seconds=percentile(list(self.recent_durations), 0.95),
            last_execution=self.last_execution,
            last_success=self.last_success,
            consecutive_errors=self.consecutive_errors,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        count = self.execution_count
        return {
            "execution_count": count,
            "status_counts": dict(self.status_counts),
            "average_duration_seconds": self.total_duration / count if count else None,
            "p95_duration_seconds": percentile(list(self.recent_durations), 0.95),
            "last_execution": self.last_execution.isoformat() if self.last_execution else None,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "consecutive_errors": self.consecutive_errors,
        }


@dataclass
class RunStats:
    """Per-check statistics plus daemon-wide totals."""

    checks: dict[str, CheckStats] = field(default_factory=dict)

    def record(self, result: CheckResult) -> None:
        """Account for one finished run of ``result.check_name``."""
        self.checks.setdefault(result.check_name, CheckStats()).record(result)

    @property
    def total_runs(self) -> int:
        """Runs of every check."""
        return sum(s.execution_count for s in self.checks.values())

    @property
    def success_rate(self) -> float | None:
        """Share of runs that succeeded, 0..1 (``None`` before any run)."""
        total = self.total_runs
        ok = sum(s.status_counts.get("success", 0) for s in self.checks.values())
        return ok / total if total else None

    @property
    def average_duration(self) -> float | None:
        """Mean duration of every run, in seconds."""
        total = self.total_runs
        return sum(s.total_duration for s in self.checks.values()) / total if total else None
