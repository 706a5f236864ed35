"""Where answers come from: this process without a daemon, the daemon's API when it serves one."""

from __future__ import annotations

import json
import os

import anyio

from autocode_core.errors import CheckNotFoundError
from autocode_core.mcp.sources import HttpSource, LocalSource, SourceError, pick_source
from autocode_core.project import Project
from autocode_core.store.state_dir import DaemonLock, ensure_state_dir


def test_without_a_daemon_the_local_source_runs_and_reads_the_history(real_project) -> None:
    project = Project(real_project)
    local = pick_source(project)
    assert isinstance(local, LocalSource) and local.label == "this process (no daemon runs for the project)"

    async def scenario() -> None:
        assert [v.result for v in await local.checks()] == [None, None, None]
        result = await local.run("git_check")
        assert result.status == "warning"
        view = await local.check("git_check")
        assert view.result is not None and view.result.findings == result.findings
        try:
            await local.check("nope")
        except CheckNotFoundError as exc:
            assert exc.known == ["doc_check", "git_check", "test_check"]
        else:
            raise AssertionError("no error for an unknown check")

    anyio.run(scenario)


def test_a_daemon_that_serves_http_is_asked_and_one_that_does_not_is_named(real_project) -> None:
    project = Project(real_project)
    state = ensure_state_dir(project.root)
    lock = DaemonLock(state)
    lock.acquire({"pid": os.getpid()})
    try:
        local = pick_source(project)
        assert isinstance(local, LocalSource) and "serves no HTTP API" in local.label
        (state / "server.json").write_text(json.dumps({"pid": os.getpid(), "url": "http://127.0.0.1:9"}))
        remote = pick_source(project, local)
        assert isinstance(remote, HttpSource) and remote.url == "http://127.0.0.1:9"

        async def unreachable() -> None:
            try:
                await remote.checks()
            except SourceError as exc:
                assert "could not be reached" in str(exc)
            else:
                raise AssertionError("no error for a daemon that is gone")

        anyio.run(unreachable)
    finally:
        lock.release()
