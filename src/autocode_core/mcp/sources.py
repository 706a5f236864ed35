"""Where the MCP tools get results from, and where they run checks.

* ``DaemonSource``: inside a running daemon (the ``/mcp`` endpoint of its HTTP
  server): its snapshot and ``run_check``, which joins a run in progress.
* ``HttpSource``: ``autocode mcp`` while a daemon runs for the project (it
  holds the lock and announced its HTTP address in ``server.json``): the
  daemon's JSON API, so a check already running is joined, never run twice.
* ``LocalSource``: no daemon: latest results from the run history, runs
  in-process through ``AutocodeDaemon.run_check`` (worker processes, limits,
  timeouts and history as for ``autocode check``).

``pick_source`` decides on every call, so a daemon started or stopped while
an agent works is noticed. A daemon without the server extra has no HTTP
address: the local source answers then (and says so).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import anyio

from autocode_core.errors import CheckNotFoundError
from autocode_core.models import CheckResult
from autocode_core.store.results import ResultStore
from autocode_core.store.state_dir import DaemonLock, read_server_info

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon
    from autocode_core.project import Project

__all__ = ["CheckView", "DaemonSource", "HttpSource", "LocalSource", "ResultSource", "SourceError", "pick_source"]


class SourceError(Exception):
    """The daemon could not be asked (the message says why)."""


@dataclass(frozen=True)
class CheckView:
    """One check as the tools show it."""

    name: str
    description: str
    enabled: bool
    running: bool
    result: CheckResult | None


class ResultSource(Protocol):
    """Results and runs of one project's checks."""

    label: str

    async def checks(self) -> list[CheckView]:
        """Every known check with its latest result (findings may be left out)."""
        ...

    async def check(self, name: str) -> CheckView:
        """One check with its full latest result. :raises CheckNotFoundError:"""
        ...

    async def run(self, name: str) -> CheckResult:
        """Run ``name`` now (or join its run in progress). :raises CheckNotFoundError:"""
        ...


class DaemonSource:
    """The daemon this MCP server lives in."""

    def __init__(self, daemon: AutocodeDaemon) -> None:
        self.daemon = daemon
        self.label = "the running daemon"

    async def checks(self) -> list[CheckView]:
        snapshot = self.daemon.snapshot(history=False)
        return [
            CheckView(c.name, c.description, bool(c.schedule and c.schedule.enabled), c.running, c.result)
            for c in sorted(snapshot.checks.values(), key=lambda c: c.name)
        ]

    async def check(self, name: str) -> CheckView:
        for view in await self.checks():
            if view.name == name:
                return view
        raise CheckNotFoundError(name, self.daemon.project.known_checks)

    async def run(self, name: str) -> CheckResult:
        return await self.daemon.run_check(name, "mcp")


class LocalSource:
    """No daemon: the history's latest results, and runs in this process."""

    def __init__(self, project: Project) -> None:
        from autocode_core.daemon.daemon import AutocodeDaemon

        self.project = project
        self.daemon = AutocodeDaemon(project=project)
        self.label = "this process (no daemon runs for the project)"

    def _latest(self) -> dict[str, CheckResult]:
        store = ResultStore.for_project(self.project)  # re-read: other processes record runs too
        try:
            return dict(store.latest)
        finally:
            store.close()

    async def checks(self) -> list[CheckView]:
        latest = await anyio.to_thread.run_sync(self._latest)
        declared = self.project.declared
        schedules = self.project.resolved.schedules
        running = set(self.daemon.running_checks)
        return [
            CheckView(
                name,
                declared[name].description if name in declared else "",
                schedules[name].enabled if name in schedules else False,
                name in running,
                latest.get(name),
            )
            for name in sorted(self.project.known_checks)
        ]

    async def check(self, name: str) -> CheckView:
        for view in await self.checks():
            if view.name == name:
                return view
        raise CheckNotFoundError(name, self.project.known_checks)

    async def run(self, name: str) -> CheckResult:
        return await self.daemon.run_check(name, "mcp")


class HttpSource:
    """A daemon of this project, through its JSON API."""

    def __init__(self, url: str, token: str | None, pid: Any, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.label = f"the running daemon (pid {pid}, {self.url})"

    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.url + path, method=method, headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            if exc.code == 404:
                try:
                    known = json.loads(body).get("known") or []
                except (ValueError, AttributeError):
                    known = []
                raise CheckNotFoundError(path.split("/")[3], known) from None
            raise SourceError(f"the daemon at {self.url} answered {exc.code}: {body[:200]}") from None
        except (OSError, ValueError) as exc:
            raise SourceError(f"the daemon at {self.url} could not be reached: {exc}") from None

    async def _request(self, method: str, path: str) -> Any:
        return await anyio.to_thread.run_sync(self._call, method, path)

    async def checks(self) -> list[CheckView]:
        data = await self._request("GET", "/api/checks")
        return [_view(entry, compact=True) for entry in data.get("checks", [])]

    async def check(self, name: str) -> CheckView:
        return _view(await self._request("GET", f"/api/checks/{name}"), compact=False)

    async def run(self, name: str) -> CheckResult:
        return CheckResult.model_validate(await self._request("POST", f"/api/checks/{name}/run"))


def _view(entry: dict[str, Any], *, compact: bool) -> CheckView:
    raw = entry.get("result")
    result = None
    if raw:
        if compact:
            raw = {k: raw.get(k) for k in ("check_name", "status", "message", "timestamp", "duration_seconds")}
        result = CheckResult.model_validate(raw)
    return CheckView(
        entry["name"], entry.get("description") or "", bool(entry.get("enabled")), bool(entry.get("running")), result
    )


def pick_source(project: Project, local: LocalSource | None = None) -> ResultSource:
    """The running daemon's API when it serves one for ``project``, else ``local`` (made if needed)."""
    info = read_server_info(project.state_dir)
    if info is not None:
        api = project.config.api
        token = api.token.get_secret_value() if api.token is not None else None
        timeout = project.config.daemon.check_timeout_seconds + 30
        return HttpSource(str(info["url"]), token, info.get("pid"), timeout)
    local = local or LocalSource(project)
    lock = DaemonLock(project.state_dir)
    if lock.is_held():
        pid = (lock.holder() or {}).get("pid", "?")
        local.label = f"this process (the daemon, pid {pid}, serves no HTTP API to ask)"
    else:
        local.label = "this process (no daemon runs for the project)"
    return local
