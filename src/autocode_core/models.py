"""The data that flows through autocode: check descriptions, results, status.

Every model is pydantic v2, so it validates on construction and serializes to
JSON the same way for the CLI, the HTTP API and the history store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CheckConfig",
    "CheckResult",
    "CheckStatus",
    "CompletedRun",
    "DaemonStatus",
    "Finding",
    "Severity",
    "utc_now",
]

CheckStatus = Literal["success", "warning", "error"]
Severity = Literal["error", "warning", "info"]


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Finding(BaseModel):
    """One thing a check found, in the one shape every view shows.

    The terminal (``autocode check -v``), the CI formats (JUnit, GitHub
    annotations), the dashboard and the MCP tools all render ``findings``,
    so a plugin describes its problems once. ``path`` is relative to the
    project root; ``line`` is 1-based; ``kind`` groups findings of a check
    (``failing_test``, ``outdated_doc``, ``changed_file``...); ``id`` names the
    thing when it has a name (a test id); ``data`` holds small extra facts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    message: str
    severity: Severity = "warning"
    path: str | None = None
    line: int | None = Field(default=None, ge=1)
    kind: str | None = None
    id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class CheckResult(BaseModel):
    """The outcome of one check run.

    A plugin may leave ``timestamp`` and ``duration_seconds`` unset and
    ``check_name`` empty: the core fills them in. ``details`` must be
    JSON-serializable and small (it is shown on a dashboard that polls); bulky
    output belongs in a file whose path goes in ``details``. ``findings`` lists
    what is wrong (or worth knowing), one ``Finding`` each, for every view.
    A result is frozen once made (the core makes changed copies with
    ``model_copy``), so every view can share it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    check_name: str = ""
    status: CheckStatus
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    timestamp: datetime | None = None
    duration_seconds: float | None = None

    @field_validator("timestamp")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.astimezone(UTC)
        return value


class CheckConfig(BaseModel):
    """How a check is scheduled, and (from a plugin's ``get_config``) what it is.

    Used two ways:

    * returned by a plugin's ``get_config`` hook, where ``name`` is required and
      the values are the plugin's defaults;
    * in user configuration (``daemon.<check name>``, for example
      ``DaemonConfig(git_check=CheckConfig(interval_minutes=2))``), where only
      the fields the user sets override the plugin's defaults.

    ``execution`` names the executor that runs the check and
    ``memory_limit_mb`` bounds its process tree's resident memory (both default
    to the ``daemon`` settings).

    ``interval_minutes`` is 1 second (1/60) to 1 year (525600); ``timeout_seconds``
    0.1 second to 1 day (``None``: ``daemon.check_timeout_seconds``).

    ``watch`` lists gitignore-style patterns of the project-relative paths
    whose changes run the check when the daemon watches files (``None``: any
    file git does not ignore; ``[]``: changes never run it); ``on_busy`` says
    what changes during a run do: ``"queue"`` one follow-up run with every
    path changed meanwhile, ``"restart"`` cancel the run and start again,
    ``"do-nothing"`` drop them (see ``autocode_core.watch``).

    ``settings_model`` is the pydantic model of the check's own settings, read
    from ``checks.<name>`` in the configuration. ``config_aliases`` maps other
    dotted configuration paths onto settings paths (``""`` is the whole
    settings), so a plugin can keep a historical location such as
    ``daemon.token_alerts``; ``env_vars`` maps environment variable names onto
    settings paths.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    name: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")
    enabled: bool = True
    interval_minutes: float = Field(
        default=5.0, ge=1 / 60, le=525_600, allow_inf_nan=False, description="1 second to 1 year"
    )
    timeout_seconds: float | None = Field(
        default=None, ge=0.1, le=86_400, allow_inf_nan=False, description="0.1 second to 1 day"
    )
    run_at_start: bool | None = None
    execution: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$")
    memory_limit_mb: float | None = Field(
        default=None, ge=16, le=1_048_576, allow_inf_nan=False, description="16 MiB to 1 TiB"
    )
    description: str = ""
    watch: list[str] | None = None
    on_busy: Literal["queue", "restart", "do-nothing"] = "queue"
    settings_model: type[BaseModel] | None = Field(default=None, exclude=True)
    config_aliases: dict[str, str] = Field(default_factory=dict, exclude=True)
    env_vars: dict[str, str] = Field(default_factory=dict, exclude=True)


class DaemonStatus(BaseModel):
    """A snapshot of the daemon, small enough to poll."""

    is_running: bool
    project_root: str
    start_time: datetime | None
    uptime_seconds: float
    total_checks_run: int
    success_rate: float | None
    average_duration_seconds: float | None
    memory_mb: float | None
    memory_limit_mb: float | None
    checks: dict[str, CheckResult]


class CompletedRun(BaseModel):
    """One finished run as ``on_check_completed`` listeners receive it (``run``).

    ``previous_errors`` is the check's streak of consecutive ``error`` results
    before this run and ``consecutive_errors`` the streak including it (kept
    across restarts through the history). ``config`` is the effective
    configuration (``Any`` here: an ``AutocodeConfig``); ``run_id`` identifies
    the run in events and the HTTP API.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    result: CheckResult
    run_id: str | None = None
    plugin: str | None = None
    plugin_version: str | None = None
    trigger: str = "manual"
    previous_errors: int = 0
    consecutive_errors: int = 0
    project_root: Path
    config: Any = None

    @property
    def check_name(self) -> str:
        """The check that ran."""
        return self.result.check_name
