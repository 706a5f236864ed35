"""What every run history offers, and the one place that picks one.

Two implementations: ``HistoryStore`` (SQLite, ``<state_dir>/history.db``,
the default) and ``PostgresHistory`` (``history.url``, shared by many
projects). Both use the same schema and migrations (``history_schema``) and
the same reads (``history_queries``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from autocode_core.config.models import HistoryConfig
from autocode_core.models import CheckResult
from autocode_core.store.history_health import HistoryHealth
from autocode_core.store.history_schema import RunRecord

__all__ = ["HistoryBackend", "open_history"]


class HistoryBackend(Protocol):
    """A run history (see ``HistoryStore`` for each method's contract)."""

    @property
    def path(self) -> Path | str: ...  # a file, or a URL without its password
    @property
    def health(self) -> HistoryHealth: ...
    @property
    def recovered_from(self) -> Path | None: ...
    def close(self) -> None: ...
    def record(self, result: CheckResult, *, plugin: str | None = None, plugin_version: str | None = None,
               trigger: str = "schedule", run_id: str | None = None) -> int: ...
    def list_runs(self, check_name: str | None = None, limit: int = 50) -> list[RunRecord]: ...
    def latest(self) -> dict[str, RunRecord]: ...
    def count(self) -> int: ...
    def consecutive_errors(self, check_name: str, *, skip_latest: bool = False) -> int: ...
    def metrics(self) -> dict[str, dict[str, Any]]: ...
    def projects(self) -> dict[str, dict[str, Any]]: ...
    def final_flush(self, timeout: float) -> int: ...  # runs still waiting in memory (see PostgresHistory)


def open_history(config: HistoryConfig, path: Path, project: str, *, read_only: bool = False) -> HistoryBackend:
    """The history ``config`` asks for: PostgreSQL at ``config.url``, else SQLite at ``path``.

    :raises HistorySchemaError: the database's schema is not one this autocode can use.
    :raises AutocodeError: psycopg is missing for a PostgreSQL URL.
    """
    if config.url is not None:
        from autocode_core.store.history_postgres import PostgresHistory

        return PostgresHistory(
            config.url.get_secret_value(), config.max_runs_per_check, config.max_age_days,
            project=project, outage_queue=config.outage_queue, read_only=read_only,
        )
    from autocode_core.store.history import HistoryStore

    return HistoryStore(path, config.max_runs_per_check, config.max_age_days, project=project, read_only=read_only)
