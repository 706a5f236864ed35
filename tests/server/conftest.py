"""A real daemon serving HTTP on 127.0.0.1 (port 0) in a background thread, and test plugins."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from autocode_core import AutocodeDaemon, CheckContext, CheckPlugin, CheckResult
from autocode_core.config.sources import deep_merge
from autocode_core.testing import AutocodeHarness

#: without the server extra (and httpx) this folder is not collected; the header says why
MISSING = [m for m in ("fastapi", "uvicorn", "httpx") if importlib.util.find_spec(m) is None]
collect_ignore_glob = ["test_*.py"] if MISSING else []

if not MISSING:
    import httpx

    from autocode_core.server import HttpService


def pytest_report_header() -> list[str]:
    if not MISSING:
        return []
    return [
        f"tests/server skipped: {', '.join(MISSING)} missing (pip install -e '.[server]' httpx)"
    ]


GATE = threading.Event()  # GatedCheck blocks (in its worker thread) until this is set
CALLS: dict[str, int] = {}

DOCS_DETAILS: dict[str, Any] = {
    "history": "git",
    "counts": {"up_to_date": 3, "outdated": 2, "missing": 1, "orphaned": 0},
    "total_documents": 6,
    "needs_attention": 3,
    "entries": [
        {
            "doc_path": "docs/a.md",
            "code_path": "src/a.py",
            "doc_type": "file",
            "status": "outdated",
            "commits_behind": 2,
            "uncommitted_changes": False,
        },
        {
            "doc_path": "docs/b.md",
            "code_path": "src/b.py",
            "doc_type": "file",
            "status": "missing",
            "commits_behind": None,
            "uncommitted_changes": False,
        },
    ],
    "entries_truncated": 1,
    "tokens": {
        "total": 1200,
        "threshold": 1000,
        "over_threshold": True,
        "model": "gpt-4",
        "exact": True,
        "top_files": [{"file": "src/a.py", "tokens": 900}],
        "excluded_files": [],
    },
    "diff": "x" * 5000,
}


def _count(name: str) -> None:
    CALLS[name] = CALLS.get(name, 0) + 1


class QuickCheck(CheckPlugin):
    """Documentation freshness, as a fake."""

    name = "quick_check"
    interval_minutes = 60

    def execute(self, context: CheckContext) -> CheckResult:
        _count(self.name)
        return CheckResult(
            status="warning", message="⚠️ 3 documents need attention", details=DOCS_DETAILS
        )


class AsyncCheck(CheckPlugin):
    """An async check that always succeeds."""

    name = "async_check"
    interval_minutes = 30

    async def execute(self, context: CheckContext) -> CheckResult:
        _count(self.name)
        await anyio.lowlevel.checkpoint()
        return CheckResult(
            status="success", message="✅ all good", details={"cases": {"passed": 4, "failed": 0}}
        )


class GatedCheck(CheckPlugin):
    """A sync check that blocks its worker thread until GATE is set."""

    name = "gated_check"
    interval_minutes = 45

    def execute(self, context: CheckContext) -> CheckResult:
        _count(self.name)
        GATE.wait(20)
        return CheckResult(
            status="error",
            message="❌ 1 test failing",
            details={"attention": [{"test": "tests/test_x.py", "status": "failing"}]},
        )


class BrokenPlugin(CheckPlugin):
    name = "broken_check"

    def get_config(self) -> Any:
        raise RuntimeError("cannot describe myself")


PLUGINS = (QuickCheck, AsyncCheck, GatedCheck)
BASE_CONFIG: dict[str, Any] = {
    "daemon": {"run_at_start": False},
    "api": {"host": "127.0.0.1", "port": 0},
}


@dataclass
class LiveServer:
    """A daemon and its HTTP service, running in a thread, and a client for it."""

    daemon: AutocodeDaemon
    http: HttpService
    url: str
    client: httpx.Client

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll ``predicate`` until true."""
        end = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > end:
                raise AssertionError("condition not met in time")
            time.sleep(0.02)


@contextmanager
def running_daemon(daemon: AutocodeDaemon, http: HttpService) -> Iterator[None]:
    """Run ``daemon.run`` (with ``http`` among its services) in a thread for the block."""
    daemon.services.append(http)
    started = threading.Event()
    errors: list[BaseException] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            await tg.start(daemon.run)
            started.set()

    def target() -> None:
        try:
            anyio.run(main)
        except BaseException as exc:
            errors.append(exc)
        finally:
            started.set()

    thread = threading.Thread(target=target, name="test-daemon", daemon=True)
    thread.start()
    started.wait(15)
    if errors:
        thread.join(5)
        raise errors[0]
    try:
        yield
    finally:
        GATE.set()
        daemon.stop()
        thread.join(20)
        assert not thread.is_alive(), "the daemon did not stop"
        if errors:
            raise errors[0]


ServerFactory = Callable[..., LiveServer]


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start a daemon with ``plugins`` and ``config`` (over ``BASE_CONFIG``) in a thread."""
    stack: list[Any] = []
    GATE.clear()
    CALLS.clear()

    def factory(
        config: Mapping[str, Any] | None = None,
        plugins: Sequence[Any] = PLUGINS,
        headers: Mapping[str, str] | None = None,
        config_file: str | None = None,
    ) -> LiveServer:
        root = tmp_path / f"project{len(stack)}"
        root.mkdir()
        if config_file is not None:  # configuration read from autocode.toml, as the CLI does
            (root / "autocode.toml").write_text(config_file, encoding="utf-8")
            daemon = AutocodeDaemon(root, plugins=plugins, load_entry_points=False, environ={})
        else:
            harness = AutocodeHarness()
            for plugin in plugins:
                harness.register(plugin)
            daemon = harness.daemon(root, deep_merge(BASE_CONFIG, dict(config or {})))
        http = HttpService()
        context = running_daemon(daemon, http)
        context.__enter__()
        stack.append(context)
        client = httpx.Client(base_url=http.url, timeout=15, headers=dict(headers or {}))
        stack.append(client)
        return LiveServer(daemon, http, http.url, client)

    yield factory
    GATE.set()
    for item in reversed(stack):
        if isinstance(item, httpx.Client):
            item.close()
        else:
            item.__exit__(None, None, None)


@pytest.fixture
def server(make_server: ServerFactory) -> LiveServer:
    """A daemon with QuickCheck, AsyncCheck and GatedCheck, serving on 127.0.0.1."""
    return make_server()


@dataclass
class TestPlugins:
    """The test plugins and their controls, for test modules (which cannot import conftest)."""

    gate: threading.Event
    calls: dict[str, int]
    default: tuple[Any, ...]
    broken: type[CheckPlugin]
    docs_details: dict[str, Any]


@pytest.fixture
def test_plugins() -> TestPlugins:
    """``gate`` releases GatedCheck; ``calls`` counts executions per check."""
    return TestPlugins(GATE, CALLS, PLUGINS, BrokenPlugin, DOCS_DETAILS)
