"""autocode-core: a small plugin-based orchestrator that keeps a code base honest.

Checks are plugins (entry-point group ``autocode``); the daemon runs them on a
schedule and on demand and keeps their results. Importing this package imports
neither git, tiktoken, pytest nor a web framework, and its public names load on
first use (a plugin importing ``CheckPlugin`` in a worker process does not load
the daemon).
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from autocode_core.config.models import (
        ApiConfig,
        AutocodeConfig,
        DaemonConfig,
        HistoryConfig,
        NotificationConfig,
    )
    from autocode_core.daemon.daemon import AutocodeDaemon
    from autocode_core.errors import (
        AutocodeError,
        CheckNotFoundError,
        ConfigError,
        DaemonAlreadyRunningError,
        PluginError,
        PluginLoadError,
        StorageError,
    )
    from autocode_core.models import CheckConfig, CheckResult, CheckStatus, DaemonStatus, Finding
    from autocode_core.plugin.check_plugin import CheckPlugin
    from autocode_core.plugin.hookspecs import hookimpl, hookspec
    from autocode_core.plugin.settings import CheckSettings
    from autocode_core.run.context import CheckContext
    from autocode_core.scheduling.clock import Clock, ManualClock, SystemClock
    from autocode_core.scheduling.scheduler import Scheduler

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "ApiConfig": "autocode_core.config.models",
    "AutocodeConfig": "autocode_core.config.models",
    "AutocodeDaemon": "autocode_core.daemon.daemon",
    "AutocodeError": "autocode_core.errors",
    "CheckConfig": "autocode_core.models",
    "CheckContext": "autocode_core.run.context",
    "CheckNotFoundError": "autocode_core.errors",
    "CheckPlugin": "autocode_core.plugin.check_plugin",
    "CheckResult": "autocode_core.models",
    "CheckSettings": "autocode_core.plugin.settings",
    "CheckStatus": "autocode_core.models",
    "Clock": "autocode_core.scheduling.clock",
    "ConfigError": "autocode_core.errors",
    "DaemonAlreadyRunningError": "autocode_core.errors",
    "DaemonConfig": "autocode_core.config.models",
    "DaemonStatus": "autocode_core.models",
    "Finding": "autocode_core.models",
    "HistoryConfig": "autocode_core.config.models",
    "ManualClock": "autocode_core.scheduling.clock",
    "NotificationConfig": "autocode_core.config.models",
    "PluginError": "autocode_core.errors",
    "PluginLoadError": "autocode_core.errors",
    "Scheduler": "autocode_core.scheduling.scheduler",
    "StorageError": "autocode_core.errors",
    "SystemClock": "autocode_core.scheduling.clock",
    "hookimpl": "autocode_core.plugin.hookspecs",
    "hookspec": "autocode_core.plugin.hookspecs",
}

__all__ = [
    "ApiConfig",
    "AutocodeConfig",
    "AutocodeDaemon",
    "AutocodeError",
    "CheckConfig",
    "CheckContext",
    "CheckNotFoundError",
    "CheckPlugin",
    "CheckResult",
    "CheckSettings",
    "CheckStatus",
    "Clock",
    "ConfigError",
    "DaemonAlreadyRunningError",
    "DaemonConfig",
    "DaemonStatus",
    "Finding",
    "HistoryConfig",
    "ManualClock",
    "NotificationConfig",
    "PluginError",
    "PluginLoadError",
    "Scheduler",
    "StorageError",
    "SystemClock",
    "hookimpl",
    "hookspec",
]


def __getattr__(name: str) -> _typing.Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'autocode_core' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
