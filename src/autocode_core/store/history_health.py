"""The state of the run history, for health checks, readiness and status.

``HistoryStore.health`` returns a ``HistoryHealth``: an immutable snapshot,
cheap to take (no I/O), safe from any thread. How to read it:

* ``ok`` is false while runs cannot be recorded (``problem`` says why in one
  line that names the file, ``kind`` is ``disk_full`` or ``unwritable``,
  ``since`` is when it started). Checks keep running and their results stay in
  memory; the next successful write clears it. A daemon is *not ready* then.
* ``recovered_from`` is set once a damaged database was moved aside (at open or
  at a later read or write) and a fresh history started: worth showing (runs
  before that moment are in that file, not in the history), but the history
  works, so a daemon stays ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from autocode_core.store.storage_failure import FailureKind

__all__ = ["HistoryHealth"]


@dataclass(frozen=True)
class HistoryHealth:
    """A snapshot of one history store's state (see the module docstring)."""

    path: Path | str  # a file, or a database URL without its password
    problem: str | None = None
    kind: FailureKind | None = None
    since: datetime | None = None
    recovered_from: Path | None = None
    recovered_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when runs can be recorded (``problem`` is ``None``)."""
        return self.problem is None

    def to_dict(self) -> dict[str, str | bool | None]:
        """JSON-ready: paths and times as strings."""
        return {
            "ok": self.ok,
            "path": str(self.path),
            "problem": self.problem,
            "kind": self.kind,
            "since": self.since.isoformat() if self.since else None,
            "recovered_from": str(self.recovered_from) if self.recovered_from else None,
            "recovered_at": self.recovered_at.isoformat() if self.recovered_at else None,
        }
