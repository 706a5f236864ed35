"""What a check's ``execute`` receives: ``CheckContext``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from autocode_core.config.models import AutocodeConfig
from autocode_core.run.processes import CheckProcesses

__all__ = ["CheckContext", "SettingsT", "Trigger"]

Trigger = Literal["schedule", "manual", "cli", "api", "mcp", "change"]

#: the type of a check's settings (its ``settings_model``), for ``CheckContext[MySettings]``
SettingsT = TypeVar("SettingsT")


class CheckContext(BaseModel, Generic[SettingsT]):
    """Everything one run of one check may use; read-only.

    ``settings`` is an instance of the plugin's ``settings_model`` (``None`` if
    it declared none), already validated from every configuration source;
    ``CheckPlugin[MySettings]`` types it as ``MySettings``. ``config`` is the
    whole effective configuration. ``logger`` is a structlog logger bound to
    ``check`` and ``plugin``. Subprocesses should go through ``run_process``
    (or ``run_process_async``) so the core can kill them on timeout.
    ``state_folder()`` is the check's own folder for caches and state.

    ``trigger`` says why the run happens (``"change"``: files changed).
    ``changed_paths`` is, for a change-triggered run, the project-relative
    POSIX paths that changed since this check's last run (added, modified,
    deleted or renamed, both sides of a rename); ``None`` means "unknown:
    assess everything" (every other trigger). A plugin may use it to do less
    work, but must give the same answer a full run would.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    check_name: str
    plugin_name: str
    project_root: Path
    settings: SettingsT = None  # type: ignore[assignment]
    config: AutocodeConfig = Field(default_factory=AutocodeConfig)
    logger: Any
    timeout_seconds: float
    trigger: Trigger = "manual"
    changed_paths: frozenset[str] | None = None
    processes: CheckProcesses = Field(default_factory=CheckProcesses, exclude=True, repr=False)
    #: receives partial results (``report_partial``); set by the runner, see ``autocode_core.run.progress``
    partial_reporter: Callable[[Any], None] | None = Field(default=None, exclude=True, repr=False)

    def report_partial(self, result: Any) -> bool:
        """Publish ``result`` (a ``CheckResult``) as a partial answer while the run goes on.

        Live clients get it at once as a ``check_progress`` event; it is not
        stored (only the run's final result is). Returns ``False`` when
        nobody can receive it (a bare context, as ``make_context`` builds):
        the plugin just carries on. See ``autocode_core.run.progress``.
        """
        if self.partial_reporter is None:
            return False
        self.partial_reporter(result)
        return True

    @property
    def state_dir(self) -> Path:
        """The project's state folder (``daemon.state_dir``, default ``.autocode``); may not exist yet."""
        return self.project_root / self.config.daemon.state_dir

    def state_folder(self) -> Path:
        """This check's own folder, ``<state_dir>/checks/<check name>/``, created on first use.

        Like pytest's ``cache.mkdir``: the place for caches a check keeps between
        runs. The state folder ignores itself for git, so nothing here shows up
        as a change, and other checks and file watching ignore it.

        :raises OSError: the folder cannot be created.
        """
        from autocode_core.store.state_dir import ensure_state_dir

        folder = ensure_state_dir(self.project_root, self.config.daemon.state_dir) / "checks" / self.check_name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def run_process(
        self, args: Sequence[str | os.PathLike[str]], **kwargs: Any
    ) -> subprocess.CompletedProcess[Any]:
        """Run a command (``cwd`` defaults to the project root); see ``CheckProcesses.run``."""
        kwargs.setdefault("cwd", self.project_root)
        return self.processes.run(args, **kwargs)

    async def run_process_async(
        self, args: Sequence[str | os.PathLike[str]], **kwargs: Any
    ) -> subprocess.CompletedProcess[Any]:
        """``run_process`` for ``async def`` plugins."""
        kwargs.setdefault("cwd", self.project_root)
        return await self.processes.run_async(args, **kwargs)
