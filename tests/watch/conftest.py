"""Shared parts of the file-watching tests: recording plugins and a watching daemon."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest

from autocode_core import CheckPlugin, CheckResult, CheckSettings
from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.testing import AutocodeHarness, GitRepo


@dataclass
class Runs:
    """What a recording check saw, run by run."""

    seen: list[tuple[str, frozenset[str] | None]] = field(default_factory=list)

    def change_runs(self) -> list[frozenset[str] | None]:
        return [paths for trigger, paths in self.seen if trigger == "change"]


class OutputSettings(CheckSettings):
    output_path: str = "report.json"

    def outputs(self) -> list[str]:
        return [self.output_path]


def recording(name: str, runs: Runs, *, watch: list[str] | None = None, seconds: float = 0.0,
              on_busy: str = "queue", writes_output: bool = False) -> type[CheckPlugin]:
    """A check class that records its trigger and changed paths, optionally sleeping and
    writing its declared output (which must never run it again)."""

    class Recording(CheckPlugin[OutputSettings]):
        settings_model = OutputSettings
        timeout_seconds = 30

        async def execute(self, context: Any) -> CheckResult:
            runs.seen.append((context.trigger, context.changed_paths))
            if seconds:
                await anyio.sleep(seconds)
            if writes_output:
                (context.project_root / context.settings.output_path).write_text(str(len(runs.seen)))
            return CheckResult(status="success", message=f"run {len(runs.seen)}")

    Recording.name = name  # type: ignore[misc]
    Recording.watch = watch  # type: ignore[misc]
    Recording.on_busy = on_busy  # type: ignore[misc,assignment]
    Recording.__name__ = f"Recording_{name}"
    return Recording


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


QUIET = {"daemon": {"run_at_start": False, "watch": {"quiet_ms": 50, "max_wait_ms": 400}}}


def watching_daemon(repo: GitRepo, *plugins: type[CheckPlugin], config: dict[str, Any] | None = None,
                    **kwargs: Any) -> AutocodeDaemon:
    h = AutocodeHarness()
    for plugin in plugins:
        h.register(plugin)
    merged = {**QUIET, **(config or {})}
    return h.daemon(repo.path, merged, watch=True, **kwargs)


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0, what: str = "") -> None:
    with anyio.fail_after(seconds):
        while not condition():
            await anyio.sleep(0.02)


async def watching(daemon: AutocodeDaemon) -> None:
    """Wait until the watcher has its operating-system watch in place."""
    await wait_until(lambda: daemon.watcher is not None and daemon.watcher.status.state in ("watching", "polling"))
    await anyio.sleep(0.3)  # awatch sets up its Rust watcher on its first iteration


async def edit_until_run(repo: GitRepo, path: str, runs: Runs, seconds: float = 10.0) -> None:
    """Edit ``path`` until a change run is seen (the first edits may precede the watch)."""
    with anyio.fail_after(seconds):
        n = 0
        while not runs.change_runs():
            n += 1
            repo.write(path, f"x = {n}\n")
            await anyio.sleep(0.3)
