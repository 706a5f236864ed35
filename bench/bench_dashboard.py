"""Benchmark of the dashboard: first paint, bytes per load and per update, /api/status latency.

    python bench/bench_dashboard.py [--baseline main] [--loads 5] [--updates 5] [--clients 50]

Two servers are measured in the same run, one after the other, the same way:

- **before**: the code of ``--baseline`` (a git ref, default ``main``), extracted with
  ``git archive`` into a temporary folder and imported from there (``PYTHONPATH``):
  its server, its dashboard, its payloads, exactly as that commit serves them;
- **after**: this checkout.

Each runs a daemon in a child process (so chromium and the load generator do not
compete with it for the GIL) with 13 checks: one failing with findings and a
traceback, one warning, one never run, ten passing; each check ran once before
measuring. Figures:

1. first paint: chromium (``/usr/bin/chromium``, headless, a fresh profile each
   load: cold cache) from navigation until every card shows its result and the
   page stops fetching (what the old page needs for a card's details, its
   per-check requests, included), median of ``--loads``;
2. bytes per load: on the wire (chromium's ``encodedDataLength``: headers and
   compressed bodies), cold and warm (a reload with the cache: 304s);
3. bytes and requests per update: one run of the failing check while the page
   is open (event stream included), mean of ``--updates``;
4. ``GET /api/status`` with ``--clients`` concurrent keep-alive clients for
   ``--seconds`` (bench_server.py's raw-socket client): back to back (closed
   loop, the server saturated; without and with gzip), and paced (each client
   every ``--every`` ms, open loop): median, p99, max. The target is p99 <= 20 ms.

Ratios are after/before.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).parent))
from bench_server import _get  # the raw-socket keep-alive client

from autocode_core.store.metrics import percentile

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
CHECKS = 13


def serve() -> None:
    """Child process: a daemon with the HTTP service and 13 checks; prints its URL."""
    import autocode_core
    from autocode_core import AutocodeDaemon, CheckPlugin, CheckResult, Finding
    from autocode_core.cli.logs import configure_logging
    from autocode_core.server import HttpService

    configure_logging("console", "warning")
    print(f"autocode_core from {Path(autocode_core.__file__).parent}", file=sys.stderr)

    class Failing(CheckPlugin):
        name = "test_check"
        interval_minutes = 600

        def execute(self, context: Any) -> CheckResult:
            tests = [f"tests/test_mod{i}.py::test_case" for i in range(12)]
            return CheckResult(
                status="error",
                message=f"{len(tests)} tests failing",
                details={
                    "cases": {"passed": 1234, "failed": len(tests)},
                    "attention": [{"test": t, "status": "failing"} for t in tests],
                    "traceback": "Traceback (most recent call last):\n" + "  frame\n" * 40,
                },
                findings=[
                    Finding(
                        message=f"{t}: assert {i} == {i + 1}",
                        severity="error",
                        path=t.split("::")[0],
                        kind="failing_test",
                        id=t,
                    )
                    for i, t in enumerate(tests)
                ],
            )

    class Docs(CheckPlugin):
        name = "doc_check"
        interval_minutes = 600

        def execute(self, context: Any) -> CheckResult:
            return CheckResult(
                status="warning",
                message="2 documents outdated",
                details={"counts": {"up_to_date": 40, "outdated": 2}},
                findings=[
                    Finding(
                        message=f"docs/{n}.md is outdated: src/{n}.py changed",
                        path=f"docs/{n}.md",
                        kind="outdated_doc",
                        data={"code": f"src/{n}.py", "uncommitted_changes": True},
                    )
                    for n in ("api", "cli")
                ],
            )

    class Never(CheckPlugin):
        name = "slow_check"
        interval_minutes = 600

        def execute(self, context: Any) -> CheckResult:
            return CheckResult(status="success", message="ok")

    def fine(number: int) -> type[CheckPlugin]:
        def execute(self: Any, context: Any) -> CheckResult:
            return CheckResult(
                status="success",
                message=f"fine {number}",
                details={"cases": {"passed": 100 + number}},
            )

        name = f"fine_{number:02d}"
        return type(
            name, (CheckPlugin,), {"name": name, "interval_minutes": 600, "execute": execute}
        )

    plugins = [Failing, Docs, Never, *(fine(i) for i in range(10))]
    root = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    http = HttpService()
    daemon = AutocodeDaemon(
        root,
        {"daemon": {"run_at_start": False}, "api": {"port": 0}},
        plugins=plugins,
        load_entry_points=False,
        environ={},
        services=[http],
    )

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
                await tg.start(daemon.run)
                for plugin in plugins:
                    if plugin is not Never:
                        await daemon.run_check(plugin.name)
                print(http.url, flush=True)
                async for _ in signals:
                    daemon.stop()
                    break

    anyio.run(main)


# ---------------------------------------------------------------- browser
class Stream:
    """Counts the bytes of ``/api/events`` (what the page's EventSource receives too)."""

    def __init__(self, url: str) -> None:
        import threading

        self.bytes = 0
        self.url = url
        self.open = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.open.wait(10)

    def _read(self) -> None:
        import httpx

        with httpx.stream("GET", f"{self.url}/api/events", timeout=None) as response:
            self.open.set()
            for chunk in response.iter_raw():
                self.bytes += len(chunk)


class Wire:
    """Bytes and requests on the wire, from chromium's network events (CDP).

    Finished requests count with their headers and compressed bodies; the event
    stream never finishes, so its bytes are counted by a ``Stream`` beside it.
    """

    def __init__(self, page: Any) -> None:
        self.bytes = 0
        self.requests: list[str] = []
        self.urls: dict[str, str] = {}
        self.last_done = 0.0  # perf_counter() when the last request (not the stream) ended
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        self.urls[event["requestId"]] = url
        self.requests.append(url)

    def _finished(self, event: dict[str, Any]) -> None:
        if not self.urls.get(event["requestId"], "").endswith("/api/events"):
            self.bytes += int(event["encodedDataLength"])
            self.last_done = time.perf_counter()

    def reset(self) -> None:
        self.bytes = 0
        self.requests = []


READY = f"""() => {{
  const cards = document.querySelectorAll('.card');
  if (cards.length !== {CHECKS}) return false;
  const drawn = [...cards].filter((c) => c.dataset.status && c.dataset.status !== 'none').length;
  return drawn === {CHECKS} - 1;
}}"""


def settle(page: Any, wire: Wire, quiet: float = 0.4, limit: float = 15.0) -> None:
    """Wait until no request has been sent for ``quiet`` seconds (the page is done fetching)."""
    end = time.monotonic() + limit
    seen, since = len(wire.requests), time.monotonic()
    while time.monotonic() < end:
        page.wait_for_timeout(50)
        if len(wire.requests) != seen:
            seen, since = len(wire.requests), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def browse(url: str, loads: int, updates: int) -> dict[str, Any]:
    """First paint, bytes per load (cold, warm) and per update, in chromium."""
    import httpx
    from playwright.sync_api import sync_playwright

    paints, cold, warm, requests = [], [], [], []
    update_bytes: list[int] = []
    update_requests: list[int] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                wire = Wire(page)
                began = time.perf_counter()
                page.goto(url)
                page.wait_for_function(READY, polling=10)
                ready = time.perf_counter()
                settle(page, wire)
                paints.append(max(ready, wire.last_done) - began)  # cards drawn, fetching done
                cold.append(wire.bytes)
                requests.append(
                    len(
                        [r for r in wire.requests if "/api/" in r and not r.endswith("/api/events")]
                    )
                )
                wire.reset()
                page.reload()
                page.wait_for_function(READY, polling=10)
                settle(page, wire)
                warm.append(wire.bytes)
                context.close()
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            wire = Wire(page)
            page.goto(url)
            page.wait_for_function(READY, polling=10)
            settle(page, wire, quiet=1.0)
            stream = Stream(url)
            with httpx.Client(base_url=url, timeout=30) as client:
                for _ in range(updates):
                    wire.reset()
                    streamed = stream.bytes
                    client.post("/api/checks/test_check/run").raise_for_status()
                    page.wait_for_timeout(300)
                    settle(page, wire, quiet=0.6)
                    update_bytes.append(wire.bytes + stream.bytes - streamed)
                    update_requests.append(len(wire.requests))
            context.close()
        finally:
            browser.close()
    return {
        "paint_ms": statistics.median(paints) * 1000,
        "cold_bytes": statistics.median(cold),
        "warm_bytes": statistics.median(warm),
        "load_requests": statistics.median(requests),
        "update_bytes": statistics.mean(update_bytes),
        "update_requests": statistics.mean(update_requests),
    }


# ---------------------------------------------------------------- /api/status under load
async def load(
    url: str, clients: int, seconds: float, gzip: bool, every: float = 0.0
) -> list[float]:
    """Latencies of ``GET /api/status`` from ``clients`` keep-alive connections.

    ``every`` 0: each client asks again as soon as answered (closed loop: the
    server's saturation). ``every`` > 0: each client asks on a fixed schedule
    (open loop) and a latency counts from the scheduled time, so a late answer
    also delays (and is charged to) the next one.
    """
    host, port = url.removeprefix("http://").rsplit(":", 1)
    accept = "Accept-Encoding: gzip\r\n" if gzip else ""
    request = f"GET /api/status HTTP/1.1\r\nHost: {host}:{port}\r\n{accept}\r\n".encode()
    latencies: list[float] = []
    end = time.perf_counter() + seconds

    async def one(offset: float) -> None:
        async with await anyio.connect_tcp(host, int(port)) as stream:
            buffer = bytearray()
            due = time.perf_counter() + offset
            while time.perf_counter() < end:
                if every:
                    await anyio.sleep(max(0.0, due - time.perf_counter()))
                began = due if every else time.perf_counter()
                if await _get(stream, request, buffer) == 200:
                    latencies.append(time.perf_counter() - began)
                due += every

    async with anyio.create_task_group() as tg:
        for number in range(clients):
            tg.start_soon(one, every * number / clients)  # spread over one period
    return latencies


def measure(name: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        if not url:
            raise SystemExit(f"{name}: the server did not start")
        figures = browse(url, args.loads, args.updates)
        for key, gzip, every in (
            ("status", False, 0.0),
            ("status_gzip", True, 0.0),
            ("status_paced", False, args.every / 1000),
        ):
            found = anyio.run(load, url, args.clients, args.seconds, gzip, every)
            ms = sorted(x * 1000 for x in found)
            figures[key] = (statistics.median(ms), percentile(ms, 0.99), max(ms), len(ms))
        return figures
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(30)
        if child.stdout is not None:
            child.stdout.close()


def baseline_env(ref: str, folder: Path) -> dict[str, str]:
    """An environment importing ``autocode_core`` from ``ref`` (``git archive`` of ``src``)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return {**os.environ, "PYTHONPATH": str(folder / "src")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="main", help="git ref measured as 'before'")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--updates", type=int, default=5)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--every",
        type=float,
        default=1000.0,
        help="paced phase: each client asks every this many ms",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-base-") as folder:
        results = {
            "before": measure("before", baseline_env(args.baseline, Path(folder)), args),
            "after": measure("after", dict(os.environ), args),
        }
    before, after = results["before"], results["after"]
    print(
        f"dashboard with {CHECKS} checks; before = {args.baseline} (git archive), after = this checkout"
    )
    rows = [
        ("first paint, all cards with their details (ms)", "paint_ms"),
        ("API requests for the first paint", "load_requests"),
        ("bytes per load, cold cache", "cold_bytes"),
        ("bytes per load, warm cache (reload)", "warm_bytes"),
        ("bytes per update (one run, event included)", "update_bytes"),
        ("requests per update", "update_requests"),
    ]
    for label, key in rows:
        b, a = before[key], after[key]
        ratio = f"{a / b:5.2f}x" if b else "  n/a"
        print(f"  {label:<48} before {b:10.1f}   after {a:10.1f}   after/before {ratio}")
    phases = (
        ("status", "back to back"),
        ("status_gzip", "back to back, gzip"),
        ("status_paced", f"each every {args.every:g} ms"),
    )
    for key, label in phases:
        for name, figures in results.items():
            median, p99, worst, count = figures[key]
            print(
                f"  GET /api/status, {args.clients} clients {label:<20} {name:<6} {count:6d} requests: "
                f"median {median:6.2f} ms  p99 {p99:6.2f} ms  max {worst:6.2f} ms"
            )
    for key, label in phases:
        p99 = after[key][1]
        print(f"  p99 <= 20 ms ({label}): {'met' if p99 <= 20 else 'NOT met'} ({p99:.2f} ms)")


if __name__ == "__main__":
    main()
