"""Benchmark of process isolation: what a worker costs per run, and what it saves the API.

    python bench/bench_isolation.py [--runs 500] [--clients 50] [--seconds 6]

1. Overhead per run of a no-op check through a running daemon, on the process
   executor (warm workers) against the inline executor, in the same run
   (goal: at most 2 ms more per run).
2. ``GET /api/status`` median and p99 with ``--clients`` concurrent clients,
   idle and while a check spins a CPU for 10 s, once with the check in a
   worker process and once inline (goal: busy/idle p99 at most 1.5x isolated).

The daemon with its HTTP server runs in a child process; the load runs here.
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
import httpx

from autocode_core import AutocodeDaemon
from autocode_core.cli.logs import configure_logging
from autocode_core.store.metrics import percentile

sys.path.insert(0, str(Path(__file__).parent))
from bench_server import load
from noop_plugins import NoopCheck, SpinCheck


def overhead(runs: int) -> dict[str, float]:
    """Seconds per run of the no-op check on each executor (sequential runs, warm)."""
    out = {}
    for execution in ("inline", "process"):
        root = Path(tempfile.mkdtemp(prefix="bench-isolation-"))
        config = {
            "daemon": {"run_at_start": False, "noop_check": {"execution": execution}},
            "history": {"enabled": False},
        }
        daemon = AutocodeDaemon(root, config, plugins=[NoopCheck], load_entry_points=False, environ={})

        async def measure(daemon: AutocodeDaemon = daemon) -> float:
            async with daemon:
                for _ in range(20):  # warm up: worker started, plugin imported
                    await daemon.run_check("noop_check")
                start = time.perf_counter()
                for _ in range(runs):
                    result = await daemon.run_check("noop_check")
                    assert result.status == "success", result.message
                return (time.perf_counter() - start) / runs

        out[execution] = anyio.run(measure)
    return out


def serve(execution: str) -> None:
    """Child process: a daemon with the HTTP service; prints its URL, stops on SIGTERM."""
    from autocode_core.server import HttpService

    configure_logging("console", "warning")
    root = Path(tempfile.mkdtemp(prefix="bench-isolation-"))
    config = {
        "daemon": {"run_at_start": False, "spin_check": {"execution": execution}},
        "api": {"port": 0},
        "history": {"enabled": False},
    }
    http = HttpService()
    daemon = AutocodeDaemon(
        root, config, plugins=[SpinCheck], load_entry_points=False, environ={}, services=[http]
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


async def phases(url: str, clients: int, seconds: float) -> dict[str, list[float]]:
    idle, _ = await load(url, clients, seconds)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        (await client.post("/api/checks/spin_check/run?wait=false")).raise_for_status()
        while not (await client.get("/api/checks/spin_check")).json()["running"]:
            await anyio.sleep(0.01)
        busy, _ = await load(url, clients, seconds)
    return {"idle": idle, "busy": busy}


def api_latency(execution: str, clients: int, seconds: float) -> dict[str, tuple[float, float]]:
    child = subprocess.Popen([sys.executable, __file__, "--serve", execution], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        results = anyio.run(phases, url, clients, seconds)
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(30)
        if child.stdout is not None:
            child.stdout.close()
    figures = {}
    for phase, latencies in results.items():
        ms = [x * 1000 for x in latencies]
        figures[phase] = (statistics.median(ms), percentile(ms, 0.99) or 0.0)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=6.0, help="per phase (below 10)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    configure_logging("console", "warning")
    per_run = overhead(args.runs)
    extra = (per_run["process"] - per_run["inline"]) * 1000
    print(f"no-op run through a running daemon, {args.runs} runs each:")
    print(f"  inline   {per_run['inline'] * 1e6:8.0f} µs/run")
    print(f"  process  {per_run['process'] * 1e6:8.0f} µs/run   "
          f"ratio {per_run['process'] / per_run['inline']:.2f}x, +{extra:.2f} ms per run (goal <= 2 ms)")
    print(f"GET /api/status, {args.clients} clients, {args.seconds:.0f}s per phase, a check spinning a CPU:")
    for execution in ("process", "inline"):
        figures = api_latency(execution, args.clients, args.seconds)
        (im, ip), (bm, bp) = figures["idle"], figures["busy"]
        print(f"  {execution:<8} idle median {im:6.2f} ms p99 {ip:6.2f} ms | busy median {bm:7.2f} ms "
              f"p99 {bp:7.2f} ms | busy/idle p99 {bp / ip:.2f}x")


if __name__ == "__main__":
    main()
