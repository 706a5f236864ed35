"""Executors contributed by installed distributions (entry-point group ``autocode.executors``).

Each entry point's name is the ``execution`` name that selects it
(``daemon.execution = "celery"``); its object is an ``ExecutorFactory``
(called with an ``ExecutorSetup`` when a runtime opens). Entry points are
loaded one at a time: one that fails is logged and left out (a check asking
for it then gets the runner's "unknown executor" error result), never fatal.
"""

from __future__ import annotations

from importlib import metadata

import structlog

from autocode_core.run.executor import ExecutorFactory

__all__ = ["ENTRY_POINT_GROUP", "installed_executors"]

ENTRY_POINT_GROUP = "autocode.executors"
log = structlog.get_logger("autocode.plugins")


def installed_executors() -> dict[str, ExecutorFactory]:
    """Executor factories of the installed distributions, by ``execution`` name."""
    found: dict[str, ExecutorFactory] = {}
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            factory = ep.load()
        except Exception as exc:  # noqa: BLE001 - one broken plugin must not stop the daemon
            log.error("executor_load_failed", executor=ep.name, target=ep.value, error=repr(exc))
            continue
        if not callable(factory):
            log.error("executor_load_failed", executor=ep.name, target=ep.value, error="not callable")
            continue
        found[ep.name] = factory
    return found
