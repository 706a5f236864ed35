"""The daemon's read-only surface for embedding applications (``DaemonViews``).

Everything here is derived from the daemon's ``project``, ``store`` and
``snapshot()``; it keeps the long-standing names (``results``,
``get_health_metrics``, ``get_status``...) working without a second source of
truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from autocode_core.config.models import AutocodeConfig
from autocode_core.models import CheckResult, DaemonStatus
from autocode_core.plugin.loader import LoadedPlugins, PluginInfo
from autocode_core.store.history_backend import HistoryBackend
from autocode_core.store.history_schema import RunRecord
from autocode_core.store.metrics import RunStats

if TYPE_CHECKING:
    from autocode_core.daemon.snapshot import DaemonSnapshot
    from autocode_core.project import Project
    from autocode_core.store.results import ResultStore

__all__ = ["DaemonViews"]


class DaemonViews:
    """Read-only accessors of ``AutocodeDaemon`` (a mixin over ``project`` and ``store``)."""

    project: Project
    store: ResultStore

    if TYPE_CHECKING:  # provided by AutocodeDaemon

        def snapshot(self, *, history: bool = True) -> DaemonSnapshot: ...

    @property
    def config(self) -> AutocodeConfig:
        """The effective configuration (defaults, files, environment, flags, live updates)."""
        return self.project.config

    @property
    def plugins(self) -> LoadedPlugins:
        """Every plugin, loaded or failed, and the checks they provide."""
        return self.project.plugins

    @property
    def check_names(self) -> list[str]:
        """Names of the checks that loaded, sorted."""
        return self.project.check_names

    @property
    def failed_plugins(self) -> list[PluginInfo]:
        """Plugins that failed to load."""
        return self.project.failed_plugins

    def enabled_checks(self) -> list[str]:
        """Loaded checks that the configuration enables, sorted."""
        return self.project.enabled_checks()

    def settings_for(self, name: str) -> Any:
        """The validated settings of a check (``None`` if it declares none)."""
        return self.project.settings_for(name)

    @property
    def results(self) -> Mapping[str, CheckResult]:
        """The latest result of every check (read-only), load failures included."""
        return self.store.latest

    @property
    def stats(self) -> RunStats:
        """Statistics of this process's runs."""
        return self.store.stats

    @property
    def total_checks_run(self) -> int:
        """Runs completed by this process."""
        return self.store.total_runs

    @property
    def history(self) -> HistoryBackend | None:
        """The run history: ``None`` if disabled, unavailable, or nothing was ever
        recorded (reading never creates the state folder)."""
        return self.store.history

    def get_history(self, name: str | None = None, limit: int = 50) -> list[RunRecord]:
        """Stored runs, newest first, of one check or of all (empty without history)."""
        return self.store.runs(name, limit)

    def get_health_metrics(self) -> dict[str, Any]:
        """The health report (``daemon``, ``checks``, ``scheduler``, ``history``,
        ``notifications``, ``plugins``), from ``snapshot()``."""
        return self.snapshot().health()

    def get_status(self) -> DaemonStatus:
        """A small status: state, totals and the latest result of every check."""
        return self.snapshot(history=False).status()
