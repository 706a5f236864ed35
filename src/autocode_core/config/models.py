"""Configuration models of the core.

The layout, as ``[tool.autocode]`` in ``pyproject.toml`` or the top level of
``autocode.toml``::

    disable_plugins = ["slow_check"]     # plugins kept out (also AUTOCODE_DISABLE_PLUGINS)

    [daemon]                             # limits and scheduling of the whole daemon
    max_concurrent_checks = 2
    check_timeout_seconds = 300
    max_memory_usage_mb = 512

    [daemon.git_check]                   # how one check is scheduled (a CheckConfig)
    enabled = true
    interval_minutes = 5

    [checks.git_check]                   # the check's own settings, validated by its plugin
    output_path = "git_changes.json"

    [api]                                # the HTTP server (autocode-core[server])
    [notifications]                      # where incident messages go
    [history]                            # run history kept in .autocode/history.db
    [profiles.dev.daemon.git_check]      # a named overlay, chosen by --profile / AUTOCODE_PROFILE
    interval_minutes = 1

Every model accepts unknown keys so a typo warns instead of failing, and so the
design document's examples work as written: plugin-owned sections such as
``daemon.token_alerts``, ``doc_index`` and ``tests`` are extra keys that the
owning plugin claims through ``CheckConfig.config_aliases``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = ["ApiConfig", "AutocodeConfig", "DaemonConfig", "HistoryConfig", "NotificationConfig"]


class DaemonConfig(BaseModel):
    """Limits and scheduling of the daemon.

    Extra keys are per-check schedules (``daemon.<check name>``, a
    ``CheckConfig``) or sections a plugin claims (``daemon.token_alerts``).

    ``execution`` picks the executor of every check: ``"auto"`` runs installed
    plugins (entry points, built-ins) in worker processes and plugins
    registered in code inline; ``"process"``, ``"inline"`` or another
    executor's name force one. ``check_memory_limit_mb`` bounds the resident
    memory of a check's worker and everything it starts (``None``: no limit);
    ``max_memory_usage_mb`` is the daemon's own memory, warned about.
    """

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    max_concurrent_checks: int = Field(default=2, ge=1, le=256)
    check_timeout_seconds: float = Field(default=300.0, gt=0, allow_inf_nan=False)
    max_memory_usage_mb: float | None = Field(default=512.0, gt=0, allow_inf_nan=False)
    run_at_start: bool = True
    jitter_seconds: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    listener_timeout_seconds: float = Field(default=30.0, gt=0, allow_inf_nan=False)
    state_dir: str = ".autocode"
    execution: str = Field(default="auto", pattern=r"^[a-z][a-z0-9_-]*$")
    check_memory_limit_mb: float | None = Field(default=2048.0, ge=16, le=1_048_576, allow_inf_nan=False)


class ApiConfig(BaseModel):
    """Where the HTTP server listens and who may change things through it."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    token: SecretStr | None = None
    cors_origins: list[str] = Field(default_factory=list)
    #: Host names answered on a bind other than loopback (default: the machine's names and addresses)
    allowed_hosts: list[str] = Field(default_factory=list)
    #: concurrent clients of the event stream; more get 503
    max_event_clients: int = Field(default=32, ge=1, le=10_000)


class NotificationConfig(BaseModel):
    """Incident notifications: after ``error_threshold`` consecutive errors of a
    check, one message per incident and one on recovery, on each channel."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    enabled: bool = False
    error_threshold: int = Field(default=3, ge=1)
    channels: list[Literal["email", "slack", "webhook"]] = Field(default_factory=list)
    webhook_url: SecretStr | None = None
    slack_webhook: SecretStr | None = None
    email_recipients: list[str] = Field(default_factory=list)
    email_sender: str = "autocode@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: str | None = None  # CA bundle to trust for STARTTLS/SSL (default: the system's)
    timeout_seconds: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    max_retries: int = Field(default=2, ge=0, le=10)

    @model_validator(mode="after")
    def _channels_have_targets(self) -> NotificationConfig:
        needs = {"webhook": self.webhook_url, "slack": self.slack_webhook, "email": self.email_recipients}
        missing = [c for c in self.channels if not needs[c]]
        if missing:
            keys = {"webhook": "webhook_url", "slack": "slack_webhook", "email": "email_recipients"}
            raise ValueError(
                "channel(s) " + ", ".join(missing) + " need " + ", ".join(keys[c] for c in missing)
            )
        return self


class HistoryConfig(BaseModel):
    """The run history in ``<state_dir>/history.db`` and how much of it is kept."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    enabled: bool = True
    max_runs_per_check: int = Field(default=1000, ge=1)
    max_age_days: float = Field(default=90.0, gt=0, allow_inf_nan=False)


class AutocodeConfig(BaseModel):
    """The whole configuration.

    Built from files, environment and flags by ``load_config``, or directly in
    Python by an embedding application. ``checks`` maps a check name to its
    settings (a dict before resolution, the plugin's settings model after).
    """

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    notifications: NotificationConfig = Field(default_factory=NotificationConfig)
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    checks: dict[str, Any] = Field(default_factory=dict)
    disable_plugins: list[str] = Field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = Field(default_factory=dict)
