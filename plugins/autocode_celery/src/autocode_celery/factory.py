"""The entry point (``autocode.executors``: ``celery``): a light executor that imports
Celery only when a run is sent, so every daemon and ``autocode check`` on a machine
with autocode-celery installed starts as fast as without it."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, ClassVar

from autocode_core.models import CheckResult
from autocode_core.run.executor import CheckExecutor, ExecutorSetup, RunJob

if TYPE_CHECKING:
    from autocode_celery.executor import CeleryExecutor

__all__ = ["DeferredCeleryExecutor", "make_executor"]


class DeferredCeleryExecutor(CheckExecutor):
    """A ``CeleryExecutor`` built on the first run (see the module docstring)."""

    name: ClassVar[str] = "celery"

    def __init__(self, setup: ExecutorSetup) -> None:
        self.setup = setup
        self.real: CeleryExecutor | None = None

    def _real(self) -> CeleryExecutor:
        if self.real is None:
            from autocode_celery.executor import CeleryExecutor

            self.real = CeleryExecutor.from_setup(self.setup)
        return self.real

    async def start(self, stack: AsyncExitStack) -> None:
        stack.callback(self.close)

    def close(self) -> None:
        """Release the real executor's connections, if it was built."""
        if self.real is not None:
            self.real.close()

    async def execute(self, job: RunJob) -> CheckResult:
        return await self._real().execute(job)

    def problem(self) -> str | None:
        return self.real.problem() if self.real is not None else None

    def counters(self) -> dict[str, int]:
        return self.real.counters() if self.real is not None else {}


def make_executor(setup: ExecutorSetup) -> DeferredCeleryExecutor:
    """The ``celery`` executor of a runtime."""
    return DeferredCeleryExecutor(setup)
