"""The registry of API runs: ids, joining, a bounded memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

from autocode_core import CheckNotFoundError
from autocode_core.server.runs import RunRegistry
from autocode_core.testing import AutocodeHarness


def test_runs_are_kept_up_to_a_bound(tmp_path: Path, test_plugins: Any) -> None:
    harness = AutocodeHarness()
    harness.register(test_plugins.default[1])  # AsyncCheck
    registry = RunRegistry(harness.daemon(tmp_path, {"history": {"enabled": False}}), keep=3)

    async def main() -> list[str]:
        return [(await registry.run_here("async_check")).id for _ in range(5)]

    ids = anyio.run(main)
    assert len(set(ids)) == 5
    assert [registry.get(i) is not None for i in ids] == [False, False, True, True, True]
    assert registry.get(ids[-1]).to_dict()["state"] == "completed"  # type: ignore[union-attr]


def test_start_needs_a_known_check_and_a_task_group(tmp_path: Path, test_plugins: Any) -> None:
    harness = AutocodeHarness()
    harness.register(test_plugins.default[1])
    registry = RunRegistry(harness.daemon(tmp_path, {}))
    with pytest.raises(CheckNotFoundError):
        registry.start("nope")
    with pytest.raises(RuntimeError, match="task group"):
        registry.start("async_check")


def test_runs_in_a_task_group_are_joined_while_in_progress(
    tmp_path: Path, test_plugins: Any
) -> None:
    harness = AutocodeHarness()
    harness.register(test_plugins.default[1])
    registry = RunRegistry(harness.daemon(tmp_path, {"history": {"enabled": False}}))

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            registry.task_group = tg
            first, joined_first = registry.start("async_check")
            second, joined_second = registry.start("async_check")
            assert second is first and (joined_first, joined_second) == (False, True)
            assert registry.running == {"async_check"}
            await first.done.wait()
        assert registry.running == set() and first.state == "completed"

    anyio.run(main)
