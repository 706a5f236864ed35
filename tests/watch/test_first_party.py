"""The first-party checks on change: their default patterns, a real edit, no loop from their outputs."""

from __future__ import annotations

import anyio
import pytest

from autocode_core.testing import AutocodeHarness, GitRepo

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_editing_a_code_file_runs_test_check_doc_check_and_git_check_once_each(git_repo: GitRepo) -> None:
    from autocode_docs.plugin import DocCheckPlugin
    from autocode_git.plugin import GitCheckPlugin
    from autocode_tests.plugin import TestCheckPlugin

    git_repo.write("src/pkg/__init__.py", "")
    git_repo.write("src/pkg/mod.py", "def f():\n    return 1\n")
    git_repo.write("tests/test_mod.py", "def test_f():\n    assert True\n")
    git_repo.write("README.md", "# demo\n")
    git_repo.commit("initial")
    h = AutocodeHarness()
    for plugin in (GitCheckPlugin, DocCheckPlugin, TestCheckPlugin):
        h.register(plugin)
    config = {"daemon": {"run_at_start": False, "watch": {"quiet_ms": 50, "max_wait_ms": 400}},
              "checks": {"test_check": {"auto_execute": False}}}
    daemon = h.daemon(git_repo.path, config, watch=True)
    completed: dict[str, list] = {}
    async with daemon:
        with anyio.fail_after(10):
            while daemon.watcher is None or daemon.watcher.status.state != "watching":
                await anyio.sleep(0.02)
        await anyio.sleep(0.3)
        with daemon.events.subscribe() as events:
            git_repo.write("src/pkg/mod.py", "def f():\n    return 2\n")
            with anyio.move_on_after(2):  # long enough for a loop to show
                async for event in events:
                    if event.type == "check_completed":
                        completed.setdefault(event.check_name, []).append(event)
    assert sorted(completed) == ["doc_check", "git_check", "test_check"], completed
    for name, events_of in completed.items():
        assert len(events_of) == 1, (name, [e.data for e in events_of])  # their outputs ran nothing
        assert events_of[0].trigger == "change" and events_of[0].data["changed_paths"] == ["src/pkg/mod.py"]
