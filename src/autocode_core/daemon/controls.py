"""The daemon's controls (``DaemonControls``): live configuration and per-check scheduling.

Every change goes through the project's configuration resolution (so a change
is validated entirely before anything is applied) and is applied on the
daemon's event loop, whichever thread asks; each one publishes an event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import anyio
import structlog

from autocode_core.config.models import AutocodeConfig
from autocode_core.config.resolution import ResolvedConfig
from autocode_core.daemon.events import DaemonEvent, EventBus

if TYPE_CHECKING:
    from autocode_core.daemon.runtime import Runtime
    from autocode_core.project import Project
    from autocode_core.run.runner import CheckRunner
    from autocode_core.scheduling.scheduler import Scheduler
    from autocode_core.store.controls import ControlsStore

__all__ = ["DaemonControls"]

log = structlog.get_logger("autocode.daemon")


class DaemonControls:
    """Configuration and scheduling controls of ``AutocodeDaemon`` (a mixin over its parts)."""

    project: Project
    scheduler: Scheduler
    events: EventBus
    controls: ControlsStore
    _runtime: Runtime | None
    _runner: tuple[object, CheckRunner] | None
    _token: anyio.lowlevel.EventLoopToken | None

    def update_config(self, config: AutocodeConfig | Mapping[str, Any]) -> None:
        """Apply a configuration change live, without a restart.

        The keys set in ``config`` (a model: the fields explicitly given; a
        mapping: a partial update) overlay the current configuration. Intervals,
        enable/disable, limits and plugin settings take effect at once. Safe
        from any thread.

        :raises ConfigError: the result would be invalid; nothing changes then.
        """
        resolved, update = self.project.preview(config)
        for warning in resolved.warnings:
            log.warning("config_warning", problem=warning)
        self._call_on_loop(partial(self._apply, resolved))
        self.project.accept(resolved, update)

    def _apply(self, resolved: ResolvedConfig) -> None:
        daemon_cfg = resolved.config.daemon
        self.scheduler.jitter_seconds = daemon_cfg.jitter_seconds
        if self._runner is not None:
            self._runner[1].set_max_concurrent(daemon_cfg.max_concurrent_checks)
        if self._runtime is not None:
            self._runtime.listeners.timeout = daemon_cfg.listener_timeout_seconds
        for name, schedule in resolved.schedules.items():
            task = self.scheduler.tasks[name]
            if task.interval_seconds != schedule.interval_minutes * 60:
                self.scheduler.update_task_interval(name, schedule.interval_minutes * 60)
            if schedule.enabled and not task.enabled:
                self.scheduler.enable_task(name)
            elif not schedule.enabled and task.enabled:
                self.scheduler.disable_task(name)
        log.info("config_updated")
        self.events.publish(DaemonEvent(type="config_changed"))

    def pause_check(self, name: str) -> None:
        """Stop scheduling a check until ``resume_check`` (manual runs still work).

        :raises CheckNotFoundError: no such check.
        """
        self._set_paused(name, True)

    def resume_check(self, name: str) -> None:
        """Undo ``pause_check``; ticks missed while paused coalesce into one run."""
        self._set_paused(name, False)

    def _set_paused(self, name: str, paused: bool, *, save: bool = True) -> None:
        self.project.entry(name)
        if save:
            self.controls.set(name, paused=paused)

        def apply() -> None:
            (self.scheduler.pause_task if paused else self.scheduler.resume_task)(name)
            self.events.publish(DaemonEvent(type="task_changed", check_name=name, data={"paused": paused}))

        self._call_on_loop(apply)

    def enable_check(self, name: str, enabled: bool = True) -> None:
        """Enable or disable a check, as ``daemon.<name>.enabled`` in ``update_config`` does,
        and save it (``<state>/controls.json``) so it survives a restart."""
        self.project.entry(name)
        self.update_config({"daemon": {name: {"enabled": enabled}}})
        self.controls.set(name, enabled=enabled)

    def _restore_controls(self) -> None:
        """Apply the controls saved by an earlier daemon (at construction)."""
        enabled = {}
        for name, saved in self.controls.all().items():
            if name not in self.project.plugins.checks:
                continue
            if saved.enabled is not None:
                enabled[name] = {"enabled": saved.enabled}
            if saved.paused:
                self.scheduler.pause_task(name)
        if enabled:
            self.update_config({"daemon": enabled})

    def _call_on_loop(self, func: Callable[[], object]) -> None:
        """Call ``func`` on the daemon's event loop (directly when there is none, or on it)."""
        token = self._token
        runtime = self._runtime
        if token is None or (runtime is not None and runtime.here()):
            func()
            return
        try:
            anyio.from_thread.run_sync(func, token=token)
        except RuntimeError:
            func()  # the loop is gone
