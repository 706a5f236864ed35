"""``CheckPlugin``: the easy way to write a check.

Subclass it, set the class attributes and override ``execute``::

    class TodoSettings(CheckSettings):
        pattern: str = "TODO"

    class TodoCheck(CheckPlugin[TodoSettings]):
        name = "todo_check"
        interval_minutes = 10
        settings_model = TodoSettings

        def execute(self, context: CheckContext[TodoSettings]) -> CheckResult:
            context.settings.pattern  # typed as TodoSettings
            ...

Register the class (not an instance) under the ``autocode`` entry-point group;
the core instantiates it with the daemon (``None`` when no daemon exists, as in
``autocode plugins``). The methods named after hooks are picked up without a
decorator: ``get_config`` always, ``execute`` and ``on_check_completed`` when
the subclass overrides them. Plain modules with ``@hookimpl`` functions keep
working the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal

from pydantic import BaseModel

from autocode_core.models import CheckConfig, CheckResult, CompletedRun
from autocode_core.run.context import SettingsT

if TYPE_CHECKING:
    from autocode_core.run.context import CheckContext

__all__ = ["CheckPlugin"]


class CheckPlugin(Generic[SettingsT]):
    """Base class of a check plugin, with documented defaults.

    Class attributes (all optional except ``name`` for a check):

    * ``name``: the check's unique name; ``None`` makes a pure listener.
    * ``description``, ``enabled``, ``interval_minutes``, ``timeout_seconds``,
      ``run_at_start``: the check's defaults, overridable by configuration.
    * ``settings_model``: pydantic model of the check's settings (``checks.<name>``),
      preferably a ``CheckSettings`` subclass; the class's type parameter
      (``CheckPlugin[MySettings]``) types ``context.settings`` to match.
    * ``config_aliases``, ``env_vars``: see ``CheckConfig``.
    * ``watch``, ``on_busy``: the default gitignore-style patterns of the paths
      whose changes run the check, and what changes during a run do (see
      ``CheckConfig``; users override them in ``daemon.<name>``). ``watch =
      None`` (the default) means any file git does not ignore.
    """

    name: ClassVar[str | None] = None
    description: ClassVar[str] = ""
    enabled: ClassVar[bool] = True
    interval_minutes: ClassVar[float] = 5.0
    timeout_seconds: ClassVar[float | None] = None
    run_at_start: ClassVar[bool | None] = None
    settings_model: ClassVar[type[BaseModel] | None] = None
    config_aliases: ClassVar[dict[str, str]] = {}
    env_vars: ClassVar[dict[str, str]] = {}
    watch: ClassVar[list[str] | None] = None
    on_busy: ClassVar[Literal["queue", "restart", "do-nothing"]] = "queue"

    #: hooks picked up only when a subclass overrides them
    OPTIONAL_HOOKS: ClassVar[tuple[str, ...]] = ("execute", "on_check_completed")

    def __init__(self, daemon: Any = None) -> None:
        self.daemon = daemon

    def get_config(self) -> CheckConfig | None:
        """The check described by the class attributes; ``None`` without a ``name``."""
        if self.name is None:
            return None
        return CheckConfig(
            name=self.name,
            description=self.description or (type(self).__doc__ or "").strip().split("\n")[0],
            enabled=self.enabled,
            interval_minutes=self.interval_minutes,
            timeout_seconds=self.timeout_seconds,
            run_at_start=self.run_at_start,
            settings_model=self.settings_model,
            config_aliases=dict(self.config_aliases),
            env_vars=dict(self.env_vars),
            watch=None if self.watch is None else list(self.watch),
            on_busy=self.on_busy,
        )

    def execute(self, context: CheckContext[SettingsT]) -> CheckResult | Awaitable[CheckResult]:
        """Run the check; see the ``execute`` hookspec. Subclasses must override it
        (with a plain method or an ``async def``)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement execute()")

    def on_check_completed(
        self, check_name: str, result: CheckResult, run: CompletedRun | None = None
    ) -> Awaitable[None] | None:
        """React to any check's completion; see the hookspec. No-op by default
        (override it with a plain method or an ``async def``, taking the
        arguments it uses)."""
        return None
