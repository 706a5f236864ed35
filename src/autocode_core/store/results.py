"""``ResultStore``: the one place a finished run is kept.

It holds the latest result of every check, the statistics of this process's
runs, and the run history (SQLite, opened lazily: reading never creates the
state folder, the first recorded run does). ``record`` does all three and
returns the ``CompletedRun`` that listeners receive, with the check's streak of
consecutive errors (read from the history with every run, so a restart, a
one-shot ``autocode check`` or one beside a running daemon neither repeats nor
forgets an incident).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

import anyio
import structlog

from autocode_core.config.models import AutocodeConfig, HistoryConfig
from autocode_core.errors import AutocodeError
from autocode_core.models import CheckResult, CompletedRun
from autocode_core.run.context import Trigger
from autocode_core.store.history_backend import HistoryBackend, open_history
from autocode_core.store.history_schema import RunRecord
from autocode_core.store.metrics import CheckMetrics, RunStats

if TYPE_CHECKING:
    from autocode_core.project import Project

__all__ = ["ResultStore"]

log = structlog.get_logger("autocode.store")
T = TypeVar("T")


class ResultStore:
    """Latest results, run statistics and history of one project.

    :param history_path: the history database (``<state_dir>/history.db``).
    :param history: retention settings; ``enabled = false`` keeps nothing on disk.
    :param prepare: creates the state folder before the database is first written.
    """

    def __init__(
        self,
        history_path: Path,
        history: HistoryConfig,
        prepare: Callable[[], object] = lambda: None,
        *,
        read_only: bool = False,
        project: str = "",
    ) -> None:
        self.history_path = history_path
        self.project = project
        self.read_only = read_only
        self.history_config = history
        self._prepare = prepare
        self._history: HistoryBackend | None = None
        self._history_error: str | None = None
        self._latest: dict[str, CheckResult] = {}
        self._streaks: dict[str, int] = {}
        self.stats = RunStats()
        self.total_runs = 0
        store = self.history
        if store is not None:  # the last result of every check, before any runs again
            latest: dict[str, RunRecord] = self._safely(store.latest, {})
            self._latest.update((name, record.to_result()) for name, record in latest.items())

    # -- reading -----------------------------------------------------------------
    @property
    def latest(self) -> Mapping[str, CheckResult]:
        """The newest result of every check, by name (read-only view)."""
        return MappingProxyType(self._latest)

    @property
    def history(self) -> HistoryBackend | None:
        """The run history: ``None`` if disabled, unavailable, or never written."""
        if not self.history_config.enabled:
            return None
        shared = self.history_config.url is not None
        if self._history is None and self._history_error is None and (shared or self.history_path.exists()):
            self._open()
        return self._history

    @property
    def opened_history(self) -> HistoryBackend | None:
        """The history if it is already open (never opens it)."""
        return self._history

    def count(self) -> int | None:
        """Stored runs (``None`` without a readable history)."""
        store = self.history
        return self._safely(store.count, None) if store is not None else None

    @property
    def history_error(self) -> str | None:
        """Why the history cannot be used, if it cannot."""
        return self._history_error

    def runs(self, name: str | None = None, limit: int = 50) -> list[RunRecord]:
        """Stored runs, newest first, of one check or of all (empty without history)."""
        store = self.history
        return self._safely(partial(store.list_runs, name, limit), []) if store is not None else []

    def metrics(self) -> dict[str, CheckMetrics]:
        """Figures of every check that ran: from the history when kept, else this process's runs."""
        store = self.history
        if store is not None:
            stored = self._safely(store.metrics, None)
            if stored:  # a broken or empty history: this process's figures instead
                return {name: CheckMetrics.model_validate(m) for name, m in stored.items()}
        return {name: s.metrics() for name, s in self.stats.checks.items()}

    # -- writing -----------------------------------------------------------------
    def put(self, result: CheckResult) -> None:
        """Show ``result`` as the latest of its check without recording a run (load failures)."""
        self._latest[result.check_name] = result

    async def record(
        self,
        result: CheckResult,
        *,
        plugin: str | None,
        plugin_version: str | None,
        trigger: Trigger,
        run_id: str | None,
        project_root: Path,
        config: AutocodeConfig,
    ) -> CompletedRun:
        """Keep one finished run (latest, statistics, history) and describe it for listeners.

        A history that cannot be written is logged; the result stays in memory.
        """
        name = result.check_name
        store = self._writable()

        def persist(store: HistoryBackend) -> int:
            """The streak before this run (as the shared history has it), then the write."""
            known = self._streaks.get(name, 0)
            count = partial(store.consecutive_errors, name)
            before = self._safely(count, known) if store.health.ok else known
            write = partial(store.record, result, plugin=plugin, plugin_version=plugin_version, trigger=trigger,
                            run_id=run_id)
            try:
                write()
            except Exception as exc:  # noqa: BLE001 - a full disk must not stop the checks
                log.error("history_write_failed", check=name, error=repr(exc))
            return before

        # the streak is read from the history each time: other processes (an `autocode check`
        # beside a running daemon) record runs too, and an incident is opened only once
        before = await anyio.to_thread.run_sync(persist, store) if store is not None else self._streaks.get(name, 0)
        after = before + 1 if result.status == "error" else 0
        self._streaks[name] = after
        self._latest[name] = result
        self.stats.record(result)
        self.total_runs += 1
        return CompletedRun(
            result=result,
            run_id=run_id,
            plugin=plugin,
            plugin_version=plugin_version,
            trigger=trigger,
            previous_errors=before,
            consecutive_errors=after,
            project_root=project_root,
            config=config,
        )

    @classmethod
    def for_project(cls, project: Project, *, read_only: bool = False) -> ResultStore:
        """The store of ``project``: its history (read lazily), its load failures as results.

        ``read_only``: for commands that only show (``status``, ``history``):
        nothing in the state folder is created, claimed, migrated or moved.
        """
        from autocode_core.run.outcome import error_result
        from autocode_core.store.project_identity import project_name
        from autocode_core.store.state_dir import ensure_state_dir

        config = project.config
        store = cls(
            project.history_path,
            config.history,
            prepare=lambda: ensure_state_dir(project.root, project.config.daemon.state_dir),
            read_only=read_only,
            # a reader of its own SQLite file needs no name (and `status` spawns no git)
            project=project_name(project.root, config.history.project)
            if config.history.url is not None or not read_only else "",
        )
        for info in project.failed_plugins:
            message = f"plugin {info.label} failed to load: {info.error}"
            store.put(error_result(info.check or info.name, message, "load_error", plugin=info.name))
        return store

    def final_flush(self, timeout: float) -> int:
        """The daemon stops: write the runs an unreachable history keeps in memory, within
        ``timeout`` seconds (``HistoryBackend.final_flush``); how many are still waiting."""
        return self._history.final_flush(timeout) if self._history is not None else 0

    def close(self) -> None:
        """Close the history database (idempotent)."""
        if self._history is not None:
            self._history.close()
            self._history = None

    # -- internals -----------------------------------------------------------------
    def _writable(self) -> HistoryBackend | None:
        if not self.history_config.enabled or self.read_only:
            return None
        if self._history is None and self._history_error is None:
            self._open()
        return self._history

    def _open(self) -> None:
        cfg = self.history_config
        try:
            if not self.read_only and cfg.url is None:
                self._prepare()  # the folder exists (or is about to): make sure it is marked as ours
            self._history = open_history(cfg, self.history_path, self.project, read_only=self.read_only)
        except (AutocodeError, OSError, sqlite3.Error) as exc:
            self._history_error = str(exc)
            log.error("history_unavailable", path=str(self.history_path), error=str(exc))

    def _safely(self, read: Callable[[], T], default: T) -> T:
        try:
            return read()
        except (sqlite3.Error, OSError) as exc:
            log.error("history_read_failed", path=str(self.history_path), error=repr(exc))
            return default
