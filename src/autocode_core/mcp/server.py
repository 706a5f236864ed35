"""The MCP server: autocode's tools and resources for coding agents.

``build_server(pick)`` makes an ``MCPServer`` whose tools ask ``pick()`` for
a ``ResultSource`` on every call (see ``autocode_core.mcp.sources``);
``serve_stdio(project)`` serves it on stdin/stdout (``autocode mcp``);
``daemon_server(daemon)`` is the one the daemon's HTTP server mounts at ``/mcp``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.subscriptions import InMemorySubscriptionBus, ResourceUpdated
from mcp.types import ToolAnnotations
from pydantic import Field

from autocode_core.errors import CheckNotFoundError
from autocode_core.mcp.answers import (
    BUDGETS,
    changes_text,
    details_text,
    list_checks_text,
    resource_json,
    run_text,
    status_text,
)
from autocode_core.mcp.budget import TokenMeter
from autocode_core.mcp.sources import (
    DaemonSource,
    LocalSource,
    ResultSource,
    SourceError,
    pick_source,
)

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon
    from autocode_core.daemon.events import EventBus
    from autocode_core.project import Project

__all__ = ["INSTRUCTIONS", "build_server", "daemon_server", "serve_stdio"]

INSTRUCTIONS = """autocode keeps this code base honest: its checks say whether every module has a
test and the tests pass (test_check), whether the docs follow the code (doc_check) and what
the working tree's changes cost in LLM tokens (git_check). After an edit, call run_check on the
check it concerns (or check_status for every verdict at once), then check_details to see the
failing test ids, outdated documents or changed files. Answers are short and bounded in tokens."""

T = TypeVar("T")
Name = Annotated[str, Field(description="the check's name, as list_checks gives it (e.g. test_check)")]


def _version() -> str:
    try:
        return metadata.version("autocode-core")
    except metadata.PackageNotFoundError:
        return ""


def _resource_uri(name: str) -> str:
    return f"autocode://checks/{name}"


def build_server(
    pick: Callable[[], ResultSource], project_root: Path, events: EventBus | None = None
) -> MCPServer:
    """The MCP server over the sources ``pick`` returns.

    Every run through its tools tells ``subscriptions/listen`` clients that
    ``autocode://checks/{name}`` changed; with ``events`` (a daemon's bus) every
    completed run does, whoever started it.
    """
    meter = TokenMeter()
    bus = InMemorySubscriptionBus()

    @asynccontextmanager
    async def forward_events(_: MCPServer) -> AsyncIterator[None]:
        if events is None:
            yield
            return
        stream = events.subscribe()
        async with anyio.create_task_group() as tg:

            async def forward() -> None:
                with stream:
                    async for event in stream:
                        if event.type == "check_completed" and event.check_name:
                            await bus.publish(ResourceUpdated(uri=_resource_uri(event.check_name)))

            tg.start_soon(forward)
            yield
            tg.cancel_scope.cancel()

    server: MCPServer = MCPServer(
        "autocode", instructions=INSTRUCTIONS, version=_version(), subscriptions=bus, log_level="WARNING",
        description=f"autocode checks of {project_root}", lifespan=forward_events,
    )
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    async def ask(call: Callable[[ResultSource], Awaitable[T]]) -> T:
        try:
            return await call(pick())
        except CheckNotFoundError as exc:
            raise ToolError(f"{exc}. Call list_checks for the names.") from None
        except SourceError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(annotations=read_only, structured_output=False)
    async def list_checks() -> str:
        """List the project's checks: name, what each one checks, whether it is enabled, and its
        last verdict with its age. Runs nothing. Budget: 1000 tokens."""
        source = pick()
        return list_checks_text(await source.checks(), source.label, meter)

    @server.tool(annotations=read_only, structured_output=False)
    async def check_status() -> str:
        """Every check's latest verdict in one line each, worst first (❌ error, ⚠️ warning,
        ✅ success), with what its findings count ("6 failing tests in 1 file") and how old it is.
        Runs nothing: call run_check to refresh. Budget: 1500 tokens."""
        source = pick()
        return status_text(await source.checks(), source.label, meter)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, idempotent_hint=True, open_world_hint=False),
                 structured_output=False)
    async def run_check(name: Name) -> str:
        """Run one check now and return its fresh verdict and its first 10 findings (failing test
        ids with their assertion, documents that lag behind the code, changed files with their
        tokens). If the check is already running (the daemon's schedule, another client), this
        joins that run instead of starting a second one. May take as long as the check (test_check
        runs the test suite). Budget: 1500 tokens."""
        result = await ask(lambda s: s.run(name))
        if events is None:
            await bus.publish(ResourceUpdated(uri=_resource_uri(name)))
        return run_text(result, meter)

    @server.tool(annotations=read_only, structured_output=False)
    async def check_details(
        name: Name,
        max_items: Annotated[int, Field(ge=1, le=200, description="findings to list at most")] = 20,
    ) -> str:
        """What is wrong according to a check's latest result: one line per finding, errors first,
        with its path, line and test id (failing tests with their assertion message; outdated,
        missing or orphaned documents with the code that changed; changed files with tokens).
        Runs nothing. Budget: 4000 tokens; a cut list says how many were left out."""
        view = await ask(lambda s: s.check(name))
        return details_text(view, max_items, meter)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, idempotent_hint=True, open_world_hint=False),
                 structured_output=False)
    async def changes_summary(
        max_files: Annotated[int, Field(ge=1, le=500, description="changed files to list at most")] = 30,
    ) -> str:
        """Summarise the uncommitted changes of the working tree: branch, files changed by kind,
        the diff's cost in LLM tokens against the threshold, and the costliest files with their
        added/removed lines and tokens. Runs git_check (cheap; joins a run in progress) so the
        answer is current. Budget: 3000 tokens."""
        result = await ask(lambda s: s.run("git_check"))
        summary = await anyio.to_thread.run_sync(_read_summary, project_root, result)
        if events is None:
            await bus.publish(ResourceUpdated(uri=_resource_uri("git_check")))
        return changes_text(result, summary, max_files, meter)

    @server.resource("autocode://checks/{name}", mime_type="application/json",
                     description="The latest result of a check as JSON (status, message, time, "
                     "findings cut to a 4000-token budget); updated after every run through these tools.")
    async def check_resource(name: str) -> str:
        view = await ask(lambda s: s.check(name))
        return resource_json(view, meter)

    server.budgets = dict(BUDGETS)  # type: ignore[attr-defined]
    server.meter = meter  # type: ignore[attr-defined]
    return server


def _read_summary(root: Path, result: object) -> dict[str, object] | None:
    details = getattr(result, "details", {}) or {}
    path = details.get("summary_path")
    if not path:
        return None
    try:
        data = json.loads((root / path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def daemon_server(daemon: AutocodeDaemon) -> MCPServer:
    """The server the daemon mounts at ``/mcp``: answers from the daemon itself."""
    source = DaemonSource(daemon)
    return build_server(lambda: source, daemon.project_root, daemon.events)


def serve_stdio(project: Project) -> None:
    """Serve MCP on stdin/stdout for ``project`` until the client goes away."""
    local = LocalSource(project)
    server = build_server(partial(pick_source, project, local), project.root)
    anyio.run(server.run_stdio_async)
