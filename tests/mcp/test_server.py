"""The MCP server through the SDK's own client: over stdio (``autocode mcp``) and over HTTP
(a real ``autocode daemon`` serving ``/mcp``), on a real project with the three plugins."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

TOOLS = {"list_checks", "check_status", "run_check", "check_details", "changes_summary"}


def _stdio(root: Path) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "autocode_core.cli", "mcp"], cwd=root,
                                 env={"AUTOCODE_DISABLE_PLUGINS": ""})


async def _text(client: Client, tool: str, **args) -> str:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.content[0].text


def test_stdio_without_a_daemon_runs_checks_itself(real_project) -> None:
    async def scenario() -> None:
        async with Client(_stdio(real_project)) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(tools) == TOOLS
            assert tools["run_check"].input_schema["required"] == ["name"]
            assert tools["check_details"].input_schema["properties"]["max_items"]["maximum"] == 200
            assert all(len(t.description or "") > 80 for t in tools.values())
            listing = await _text(client, "list_checks")
            assert listing.startswith("3 checks (answers from this process (no daemon runs")
            assert "- test_check: " in listing and "never run" in listing
            run = await _text(client, "run_check", name="test_check")
            assert run.splitlines()[0].startswith("❌ test_check: 1 test failing")
            assert "1 failing test, 1 missing test:" in run
            assert "✗ tests/test_mod0.py::test_value: AssertionError: mod0 returns the wrong value" in run
            details = await _text(client, "check_details", name="test_check", max_items=1)
            assert "… and 1 more (1 missing test); max_items=1" in details
            changes = await _text(client, "changes_summary")
            assert "branch main at " in changes and "1 file changed (1 untracked)" in changes
            assert "- notes/change0.txt: untracked +20 -0, " in changes
            status = await _text(client, "check_status")
            assert status.startswith("autocode: 1 error, 1 warning (answers from this process")
            assert "❌ test_check: 1 test failing" in status and "· doc_check: never run" in status
            resource = await client.read_resource("autocode://checks/test_check")
            doc = json.loads(resource.contents[0].text)
            assert doc["result"]["status"] == "error" and doc["result"]["findings_total"] == 2
            templates = (await client.list_resource_templates()).resource_templates
            assert [t.uri_template for t in templates] == ["autocode://checks/{name}"]
            unknown = await client.call_tool("run_check", {"name": "nope"})
            assert unknown.is_error and "unknown check 'nope'" in unknown.content[0].text
            bad = await client.call_tool("check_details", {"name": "test_check", "max_items": 0})
            assert bad.is_error

    anyio.run(scenario)


@pytest.fixture
def daemon_url(real_project):
    """``autocode daemon`` for the project, on a free port; yields the URL it announced."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    proc = subprocess.Popen([sys.executable, "-m", "autocode_core.cli", "daemon", "--port", "0"],
                            cwd=real_project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    announced = real_project / ".autocode" / "server.json"
    deadline = time.monotonic() + 30
    while not announced.exists():
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "the daemon did not announce its address"
        time.sleep(0.05)
    yield json.loads(announced.read_text())["url"]
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    proc.stderr.close()
    assert not announced.exists()


def test_http_on_the_daemon_and_stdio_answering_from_it(real_project, daemon_url) -> None:
    async def scenario() -> None:
        async with Client(daemon_url + "/mcp") as client:
            assert {t.name for t in (await client.list_tools()).tools} == TOOLS
            run = await _text(client, "run_check", name="test_check")
            assert run.startswith("❌ test_check: 1 test failing")
            status = await _text(client, "check_status")
            assert "answers from the running daemon" in status
        async with Client(_stdio(real_project)) as client:
            listing = await _text(client, "list_checks")
            assert "answers from the running daemon (pid " in listing and daemon_url in listing
            details = await _text(client, "check_details", name="test_check")
            assert "tests/test_mod0.py::test_value" in details
            await _text(client, "run_check", name="test_check")

    anyio.run(scenario)
    done = subprocess.run([sys.executable, "-m", "autocode_core.cli", "history", "test_check", "--json"],
                          cwd=real_project, capture_output=True, text=True, timeout=60)
    triggers = [r["trigger"] for r in json.loads(done.stdout)["runs"]]
    assert triggers == ["api", "mcp"]  # the stdio server asked the daemon: it ran the check, once


def test_http_needs_the_token_when_one_is_set(real_project) -> None:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    from autocode_core import AutocodeDaemon
    from autocode_core.server import HttpService

    service = HttpService()
    daemon = AutocodeDaemon(real_project, services=[service], overrides=["api.port=0", "api.token=s3cret"])

    async def scenario() -> None:
        async with daemon:
            async with httpx2.AsyncClient() as http:
                refused = await http.post(service.url + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
                assert refused.status_code == 401
            async with httpx2.AsyncClient(headers={"Authorization": "Bearer s3cret"}) as authed:
                transport = streamable_http_client(service.url + "/mcp", http_client=authed)
                async with Client(transport) as client:
                    assert "check_status" in {t.name for t in (await client.list_tools()).tools}

    anyio.run(scenario)


def test_listeners_hear_when_a_checks_result_changes(real_project) -> None:
    """Inside a daemon, every completed run (here: one started outside MCP) updates its resource."""
    from autocode_core import AutocodeDaemon
    from autocode_core.mcp.server import daemon_server

    daemon = AutocodeDaemon(real_project, overrides=["daemon.run_at_start=false"])

    async def scenario() -> None:
        async with daemon:
            server = daemon_server(daemon)
            async with Client(server) as client:
                uri = "autocode://checks/git_check"
                async with client.listen(resource_subscriptions=[uri]) as subscription:
                    await daemon.run_check("git_check")
                    with anyio.fail_after(20):
                        async for event in subscription:
                            assert event.uri == uri
                            break
                doc = json.loads((await client.read_resource(uri)).contents[0].text)
                assert doc["result"]["status"] == "warning"

    anyio.run(scenario)
