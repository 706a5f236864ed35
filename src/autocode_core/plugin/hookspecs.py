"""The plugin contract: every hook a plugin can implement.

Plugins are discovered through the entry-point group ``autocode`` (also the
pluggy project name). A plugin is a module with ``@hookimpl`` functions, any
object with ``@hookimpl`` methods, or a subclass of ``CheckPlugin``.

A plugin that implements ``get_config`` and ``execute`` provides exactly one
check; a plugin that implements only ``on_check_completed`` is a listener.
Implementations may accept fewer arguments than a spec names (pluggy's opt-in
arguments); hooks grow by adding arguments, never by changing meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from autocode_core.models import CheckConfig, CheckResult, CompletedRun
    from autocode_core.run.context import CheckContext

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "autocode"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def get_config() -> CheckConfig | None:
    """Describe the check this plugin provides.

    Called once, when the plugin is loaded, for this plugin alone.

    :return: a ``CheckConfig`` whose ``name`` is set and unique among the
        installed plugins, with the check's defaults (``enabled``,
        ``interval_minutes``, ``timeout_seconds``, ``description``) and
        ``settings_model``, the pydantic model of the check's own settings.
        ``None`` means the plugin provides no check (a pure listener).
    :raises: anything it raises makes the plugin fail to load; the failure is
        recorded with the plugin's name and every other plugin still loads.
    """


@hookspec
def execute(context: CheckContext) -> CheckResult:
    """Run the check once and report the outcome.

    Called by the core for this plugin alone (never broadcast), whenever its
    check runs: on schedule, from the CLI, the HTTP API, an embedding app, or
    because files it watches changed (``daemon.<check>.watch``).
    A plain function runs in a worker thread; an ``async def`` runs on the
    event loop and must not block it. A run is never started while the
    previous run of the same check is still going.

    :param context: the project root, the check's validated ``settings``, the
        whole effective ``config``, a ``logger`` bound to the check, and
        ``run_process`` for subprocesses that the core kills on timeout and
        holds to the memory limit; ``trigger`` (why it runs) and, for a
        change-triggered run, ``changed_paths``: the project-relative paths
        changed since the check's last change run (``None``: assess
        everything). A plugin may use them to do less work, but must give
        the answer a full run would. ``report_partial(result)`` publishes a
        partial answer before the run ends (a ``check_progress`` event, never
        stored; see ``autocode_core.run.progress``).
    :return: a ``CheckResult``. ``timestamp``, ``duration_seconds`` and an
        empty ``check_name`` are filled in by the core. Anything that is not a
        ``CheckResult`` becomes an ``error`` result naming the plugin.
    :raises PluginError: for an expected failure: the result is an ``error``
        with the exception's message. Any other exception also becomes an
        ``error`` result, with the traceback in ``details``. Running past the
        timeout becomes an ``error`` result within a second of the deadline.
    """


@hookspec
def on_check_completed(check_name: str, result: CheckResult, run: CompletedRun) -> None:
    """React to a finished check run (notifications, index writers, events).

    Called on every plugin that implements it, after every run of every check,
    each implementation on its own: one that raises is logged and the others
    are still called. While a daemon runs, calls happen off the scheduler's
    path (a slow listener delays nobody) and are bounded by
    ``daemon.listener_timeout_seconds``. A plain function runs in a worker
    thread; an ``async def`` on the event loop.

    :param check_name: the name of the check that ran.
    :param result: its result, with ``timestamp`` and ``duration_seconds`` set.
    :param run: the whole run (``CompletedRun``): its result, plugin, trigger,
        run id, the check's streak of consecutive errors before and including
        this run, the project root and the effective configuration. Everything
        a listener needs comes through here; it never reaches into the daemon.
    :return: ignored.
    """
