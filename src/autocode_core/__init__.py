"""autocode-core: a small plugin-based orchestrator that keeps a code base honest.

Checks are plugins (entry-point group ``autocode``); the daemon runs them on a
schedule and on demand and keeps their results. Importing this package imports
neither git, tiktoken, pytest nor a web framework.
"""

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
)
from autocode_core.models import CheckConfig, CheckResult, CheckStatus, DaemonStatus
from autocode_core.plugin.check_plugin import CheckPlugin
from autocode_core.plugin.hookspecs import hookimpl, hookspec
from autocode_core.plugin.settings import CheckSettings
from autocode_core.run.context import CheckContext
from autocode_core.scheduling.clock import Clock, ManualClock, SystemClock
from autocode_core.scheduling.scheduler import Scheduler

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
    "HistoryConfig",
    "ManualClock",
    "NotificationConfig",
    "PluginError",
    "PluginLoadError",
    "Scheduler",
    "SystemClock",
    "hookimpl",
    "hookspec",
]
