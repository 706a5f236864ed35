"""What a check's ``execute`` receives."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from autocode_core.config.models import AutocodeConfig
from autocode_core.run.processes import CheckProcesses

__all__ = ["CheckContext", "Trigger"]

Trigger = Literal["schedule", "manual", "cli", "api"]


class CheckContext(BaseModel):
    """Everything one run of one check may use.

    ``settings`` is an instance of the plugin's ``settings_model`` (``None`` if
    it declared none), already validated from every configuration source.
    ``config`` is the whole effective configuration, read-only by convention.
    ``logger`` is a structlog logger bound to ``check`` and ``plugin``.
    Subprocesses should go through ``run_process`` (or ``run_process_async``)
    so the core can kill them on timeout and hold them to the memory limit.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    check_name: str
    plugin_name: str
    project_root: Path
    settings: Any = None
    config: AutocodeConfig = Field(default_factory=AutocodeConfig)
    logger: Any
    timeout_seconds: float
    trigger: Trigger = "manual"
    processes: CheckProcesses = Field(default_factory=CheckProcesses, exclude=True, repr=False)

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
