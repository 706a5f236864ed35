"""Benchmark of the core: per-run orchestrator overhead, and scheduler lateness.

    python bench/bench_core.py [--runs 2000] [--tasks 1000] [--seconds 6]

1. Overhead: a no-op check run through ``AutocodeDaemon.run_check`` (limits,
   timeout, result envelope, stats, listeners) against calling the plugin's
   ``execute`` directly, measured in the same run, for a sync and an async
   plugin; once with the run history off and once with it on.
2. Lateness: 1,000 scheduled async no-op tasks every second on the real clock;
   how late each run starts, against 1,000 bare anyio tasks that each sleep
   until their own next tick (the event loop's own lateness) in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import anyio

from autocode_core import AutocodeConfig, AutocodeDaemon, CheckPlugin, CheckResult, Scheduler
from autocode_core.cli.logs import configure_logging
from autocode_core.store.metrics import percentile
from autocode_core.testing import make_context

RESULT = CheckResult(status="success", message="noop")


class SyncNoop(CheckPlugin):
    name = "sync_noop"

    def execute(self, context):
        return RESULT


class AsyncNoop(CheckPlugin):
    name = "async_noop"

    async def execute(self, context):
        return RESULT


def overhead(runs: int, history: bool) -> None:
    root = Path(tempfile.mkdtemp())
    config = AutocodeConfig(history={"enabled": history})
    daemon = AutocodeDaemon(root, config, plugins=[SyncNoop, AsyncNoop], load_entry_points=False)
    context = make_context("sync_noop", root)
    plugin = SyncNoop()

    async def direct_async() -> float:
        aplugin = AsyncNoop()
        start = time.perf_counter()
        for _ in range(runs):
            await aplugin.execute(context)
        return time.perf_counter() - start

    async def through(name: str) -> float:
        await daemon.run_check(name)  # warm up
        start = time.perf_counter()
        for _ in range(runs):
            await daemon.run_check(name)
        return time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(runs):
        plugin.execute(context)
    direct_sync = time.perf_counter() - start
    via_sync = anyio.run(through, "sync_noop")
    via_async = anyio.run(through, "async_noop")
    direct_a = anyio.run(direct_async)
    label = "with the run history written to SQLite" if history else "history off: the orchestrator alone"
    print(f"overhead per check run ({runs} runs of a no-op check, {label})")
    for label, via, direct in (("sync plugin ", via_sync, direct_sync), ("async plugin", via_async, direct_a)):
        per_via, per_direct = via / runs * 1e6, direct / runs * 1e6
        print(f"  {label}: direct {per_direct:8.2f} us/run   through daemon {per_via:8.1f} us/run   "
              f"overhead {per_via - per_direct:8.1f} us/run   ratio {per_via / per_direct:8.0f}x")


def lateness(tasks: int, seconds: float) -> None:
    interval = 1.0

    async def scheduled() -> list[float]:
        scheduler = Scheduler()
        late: list[float] = []

        holder: dict[str, object] = {}

        def make(name: str):
            async def noop() -> None:  # the scheduler sets last_lateness just before the call
                late.append(holder[name].last_lateness or 0.0)  # type: ignore[attr-defined]

            return noop

        for i in range(tasks):
            holder[f"t{i}"] = scheduler.add_task(f"t{i}", make(f"t{i}"), interval)
        async with anyio.create_task_group() as tg:
            await tg.start(scheduler.run)
            await anyio.sleep(seconds)
            scheduler.stop()
        return late

    async def bare() -> list[float]:
        late: list[float] = []

        async def ticker(stop: float) -> None:
            due = time.monotonic()
            while due < stop:
                await anyio.sleep(max(0.0, due - time.monotonic()))
                late.append(max(0.0, time.monotonic() - due))
                due += interval

        stop = time.monotonic() + seconds
        async with anyio.create_task_group() as tg:
            for _ in range(tasks):
                tg.start_soon(ticker, stop)
        return late

    base = anyio.run(bare)
    ours = anyio.run(scheduled)
    print(f"scheduler lateness: {tasks} tasks every {interval:g}s for {seconds:g}s")
    for label, values in (("bare anyio tasks", base), ("autocode Scheduler", ours)):
        print(f"  {label:18}: median {statistics.median(values) * 1e3:7.2f} ms   "
              f"p99 {percentile(values, 0.99) * 1e3:7.2f} ms   max {max(values) * 1e3:7.2f} ms   (n={len(values)})")
    p99_ratio = percentile(ours, 0.99) / max(percentile(base, 0.99), 1e-6)
    print(f"  ratio p99 scheduler / bare: {p99_ratio:.1f}x")


def main() -> None:
    configure_logging("json", "warning")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    overhead(args.runs, history=False)
    overhead(args.runs, history=True)
    lateness(args.tasks, args.seconds)


if __name__ == "__main__":
    main()
