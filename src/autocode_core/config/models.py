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

Every number has bounds, inclusive, declared once with ``bounded`` (a pydantic
``Field`` with ``ge``/``le``, ``allow_inf_nan=False`` and a description of the
range in words) and listed by ``numeric_bounds``, which the README's table is
tested against. The same models validate every source: files, environment,
``--set``, ``AutocodeDaemon(config=...)`` and ``PATCH /api/config``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = [
    "ApiConfig",
    "AutocodeConfig",
    "DaemonConfig",
    "HistoryConfig",
    "NotificationConfig",
    "NumericBound",
    "WatchConfig",
    "bounded",
    "numeric_bounds",
]


@dataclass(frozen=True)
class NumericBound:
    """The inclusive range of one numeric setting, and that range in words."""

    low: float
    high: float
    description: str
    integer: bool


def bounded(default: Any, low: float, high: float, description: str) -> Any:
    """A pydantic ``Field`` for a number between ``low`` and ``high`` (inclusive)."""
    return Field(default=default, ge=low, le=high, allow_inf_nan=False, description=description)


def _bound_of(field: Any) -> NumericBound | None:
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    if not isinstance(low, int | float) or not isinstance(high, int | float):
        return None
    integer = field.annotation is int or "int" in str(field.annotation).split(" | ")
    return NumericBound(float(low), float(high), field.description or "", integer)


def numeric_bounds() -> dict[str, NumericBound]:
    """Every numeric setting of the core by dotted key (``daemon.<check>.*`` for
    the per-check schedule), with its bounds."""
    from autocode_core.models import CheckConfig

    sections: dict[str, type[BaseModel]] = {
        "daemon": DaemonConfig,
        "daemon.<check>": CheckConfig,
        "daemon.watch": WatchConfig,
        "api": ApiConfig,
        "notifications": NotificationConfig,
        "history": HistoryConfig,
    }
    out = {}
    for prefix, model in sections.items():
        for name, field in model.model_fields.items():
            bound = _bound_of(field)
            if bound is not None:
                out[f"{prefix}.{name}"] = bound
    return out


class WatchConfig(BaseModel):
    """File watching (``daemon.watch``): checks run when the files they watch change.

    ``enabled`` turns the watcher on for ``autocode daemon`` (``--no-watch``
    turns it off) and ``autocode watch``. Changes are grouped: a batch is
    handed over once no change came for ``quiet_ms``, or ``max_wait_ms`` after
    its first change under a constant stream (never less than ``quiet_ms``).
    ``force_polling`` polls every ``poll_interval_ms`` instead of using the
    operating system's notifications (network and container file systems; the
    watcher falls back to polling by itself when it hits the inotify limit).
    """

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    enabled: bool = True
    quiet_ms: int = bounded(200, 10, 10_000, "10 ms to 10 seconds without a change before a run")
    max_wait_ms: int = bounded(2_000, 50, 60_000, "50 ms to 1 minute from a batch's first change")
    force_polling: bool = False
    poll_interval_ms: int = bounded(300, 50, 60_000, "50 ms to 1 minute between polls")

    @property
    def batch_max_wait_ms(self) -> int:
        """``max_wait_ms`` in effect: never less than ``quiet_ms``."""
        return max(self.max_wait_ms, self.quiet_ms)


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

    max_concurrent_checks: int = bounded(2, 1, 256, "checks running at once")
    check_timeout_seconds: float = bounded(300.0, 0.1, 86_400, "0.1 second to 1 day")
    max_memory_usage_mb: float | None = bounded(512.0, 16, 1_048_576, "16 MiB to 1 TiB; null: no warning")
    run_at_start: bool = True
    jitter_seconds: float = bounded(0.0, 0, 3_600, "up to 1 hour")
    listener_timeout_seconds: float = bounded(30.0, 0.1, 3_600, "0.1 second to 1 hour")
    state_dir: str = ".autocode"
    execution: str = Field(default="auto", pattern=r"^[a-z][a-z0-9_-]*$")
    check_memory_limit_mb: float | None = bounded(2048.0, 16, 1_048_576, "16 MiB to 1 TiB; null: no limit")
    watch: WatchConfig = Field(default_factory=WatchConfig)


class ApiConfig(BaseModel):
    """Where the HTTP server listens and who may change things through it."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    host: str = "127.0.0.1"
    port: int = bounded(8080, 0, 65_535, "a TCP port; 0: any free port")
    token: SecretStr | None = None
    cors_origins: list[str] = Field(default_factory=list)
    #: Host names answered on a bind other than loopback (default: the machine's names and addresses)
    allowed_hosts: list[str] = Field(default_factory=list)
    #: concurrent clients of the event stream; more get 503
    max_event_clients: int = bounded(32, 1, 10_000, "event-stream clients at once; more get 503")


class NotificationConfig(BaseModel):
    """Incident notifications: after ``error_threshold`` consecutive errors of a
    check, one message per incident and one on recovery, on each channel."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    enabled: bool = False
    error_threshold: int = bounded(3, 1, 10_000, "consecutive errors")
    channels: list[Literal["email", "slack", "webhook"]] = Field(default_factory=list)
    webhook_url: SecretStr | None = None
    slack_webhook: SecretStr | None = None
    email_recipients: list[str] = Field(default_factory=list)
    email_sender: str = "autocode@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = bounded(25, 1, 65_535, "a TCP port")
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: str | None = None  # CA bundle to trust for STARTTLS/SSL (default: the system's)
    timeout_seconds: float = bounded(10.0, 0.1, 300, "0.1 second to 5 minutes, per attempt")
    max_retries: int = bounded(2, 0, 10, "attempts after the first")

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
    """The run history in ``<state_dir>/history.db`` and how much of it is kept.

    ``url`` (``postgresql://user:password@host/db``) keeps it in a PostgreSQL
    database shared by many projects instead (the ``postgres`` extra); every run
    carries ``project`` (default: derived from the repository, see
    ``store/project_identity.py``). ``outage_queue`` runs wait in memory while
    that database is unreachable; past it the oldest are dropped.
    """

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    enabled: bool = True
    max_runs_per_check: int = bounded(1000, 1, 1_000_000, "runs kept per check")
    max_age_days: float = bounded(90.0, 1, 36_500, "1 day to 100 years")
    url: SecretStr | None = None
    project: str | None = Field(default=None, min_length=1, max_length=200)
    outage_queue: int = bounded(10_000, 0, 1_000_000, "runs kept in memory while the database is unreachable")

    @model_validator(mode="after")
    def _url_is_postgres(self) -> HistoryConfig:
        url = self.url.get_secret_value() if self.url is not None else None
        if url is not None and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("url must start with postgresql:// (SQLite is the default: leave url unset)")
        return self


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
    #: the Celery executor's settings (validated by autocode-celery when it is used)
    celery: dict[str, Any] = Field(default_factory=dict)
    checks: dict[str, Any] = Field(default_factory=dict)
    disable_plugins: list[str] = Field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = Field(default_factory=dict)
