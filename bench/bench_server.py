"""Benchmark of the HTTP server: does the event loop stall while checks block?

    python bench/bench_server.py [--clients 50] [--seconds 8]

Latency of ``GET /api/status`` (median, p99, max) with ``--clients`` concurrent
clients, measured twice in the same run against the same daemon:

1. idle: no check running;
2. busy: two checks that block for 10 s are running, one synchronous (it
   sleeps in its worker thread) and one ``async def`` (it awaits).

The daemon and its server run in a child process (so the load generator does
not compete with it for the GIL); the load runs here on keep-alive connections. The ratios
busy/idle show whether running checks slow the API down.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import anyio.abc
import httpx

from autocode_core import AutocodeDaemon, CheckPlugin, CheckResult
from autocode_core.store.metrics import percentile

BLOCK_SECONDS = 10.0


class SyncBlocker(CheckPlugin):
    """Blocks its worker thread for 10 s."""

    name = "sync_blocker"
    interval_minutes = 600

    def execute(self, context):
        time.sleep(BLOCK_SECONDS)
        return CheckResult(status="success", message="slept")


class AsyncBlocker(CheckPlugin):
    """Awaits for 10 s."""

    name = "async_blocker"
    interval_minutes = 600

    async def execute(self, context):
        await anyio.sleep(BLOCK_SECONDS)
        return CheckResult(status="success", message="awaited")


def serve() -> None:
    """Child process: run a daemon with the HTTP service, print its URL, stop on SIGTERM."""
    from autocode_core.cli.logs import configure_logging
    from autocode_core.server import HttpService

    configure_logging("console", "warning")  # logs to stderr: stdout carries the URL
    root = Path(tempfile.mkdtemp(prefix="bench-server-"))
    config = {"daemon": {"run_at_start": False}, "api": {"port": 0}, "history": {"enabled": False}}
    http = HttpService()
    daemon = AutocodeDaemon(
        root,
        config,
        plugins=[SyncBlocker, AsyncBlocker],
        load_entry_points=False,
        environ={},
        services=[http],
    )

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
                await tg.start(daemon.run)
                print(http.url, flush=True)
                async for _ in signals:
                    daemon.stop()
                    break

    anyio.run(main)


async def _get(stream: anyio.abc.ByteStream, request: bytes, buffer: bytearray) -> int:
    """One keep-alive GET on ``stream``; returns the status code."""
    await stream.send(request)
    while b"\r\n\r\n" not in buffer:
        buffer += await stream.receive()
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += await stream.receive()
    buffer[:] = rest[length:]
    return int(head.split(b" ", 2)[1])


async def load(url: str, clients: int, seconds: float) -> tuple[list[float], int]:
    """``clients`` keep-alive connections looping GET /api/status for ``seconds``.

    A minimal HTTP/1.1 client on raw sockets: httpx's async pool costs more CPU
    per request than the server does, so it would measure itself.
    """
    host, port = url.removeprefix("http://").rsplit(":", 1)
    request = f"GET /api/status HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode()
    latencies: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal errors
        async with await anyio.connect_tcp(host, int(port)) as stream:
            buffer = bytearray()
            while time.perf_counter() < end:
                began = time.perf_counter()
                if await _get(stream, request, buffer) != 200:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - began)

    async with anyio.create_task_group() as tg:
        for _ in range(clients):
            tg.start_soon(one)
    return latencies, errors


async def both(url: str, clients: int, seconds: float) -> dict[str, tuple[list[float], int]]:
    out = {"idle": await load(url, clients, seconds)}
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for name in ("sync_blocker", "async_blocker"):
            (await client.post(f"/api/checks/{name}/run?wait=false")).raise_for_status()
        while True:  # both must be running before measuring
            checks = (await client.get("/api/checks")).json()["checks"]
            if all(c["running"] for c in checks):
                break
            await anyio.sleep(0.01)
        began = time.perf_counter()
        out["busy"] = await load(url, clients, seconds)
        still = all(c["running"] for c in (await client.get("/api/checks")).json()["checks"])
        print(
            f"checks still running at the end of the busy phase: {still} "
            f"({time.perf_counter() - began:.1f}s of {BLOCK_SECONDS:.0f}s)"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0, help="per phase (below 10)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        print(f"server {url}, {args.clients} concurrent clients, {args.seconds:.0f}s per phase")
        results = anyio.run(both, url, args.clients, args.seconds)
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(30)
        if child.stdout is not None:
            child.stdout.close()
    figures = {}
    for phase, (latencies, errors) in results.items():
        ms = [x * 1000 for x in latencies]
        median, p99, worst = figures[phase] = (statistics.median(ms), percentile(ms, 0.99), max(ms))
        rate = len(ms) / args.seconds
        print(
            f"  {phase:<5} {len(ms):6d} requests ({rate:7.0f}/s), {errors} errors: "
            f"median {median:7.2f} ms   p99 {p99:7.2f} ms   max {worst:7.2f} ms"
        )
    idle, busy = figures["idle"], figures["busy"]
    print(
        f"  busy/idle ratio: median {busy[0] / idle[0]:.2f}x   p99 {busy[1] / idle[1]:.2f}x   "
        f"max {busy[2] / idle[2]:.2f}x"
    )


if __name__ == "__main__":
    main()
