"""File watching: edit-to-result latency, idle CPU and memory of the watch, ignored paths.

    python bench/bench_watch.py [--edits 50] [--check-ms 50] [--quiet-ms 200]
                                [--files 10000] [--idle-seconds 10] [--ignored-seconds 60]
                                [--dir /dev/shm]

Everything runs in one go, on throw-away git repositories under ``--dir``
(default: the system's temporary folder; a tmpfs such as ``/dev/shm`` makes
building the 10,000-file tree fast), with a probe check that sleeps
``--check-ms`` and watches ``*.py``:

1. **Edit-to-result latency** over ``--edits`` edits of a watched file, from
   the write to the ``check_completed`` event, p50 and p99, split into the
   quiet period (``daemon.watch.quiet_ms``), the check's own time (its
   result's duration) and the overhead (the rest: notification, batching,
   ignore rules, dispatch, store, event). Baseline, same run: the same check
   asked for directly (``run_check``, no file system) the same number of times;
   the ratio is watch latency / direct latency, and the goal is an overhead of
   at most 100 ms.
2. **Idle cost** on a ``--files`` tree: a daemon process idle for
   ``--idle-seconds`` with watching on, against the same daemon with watching
   off (the baseline), each in its own process: CPU (user + system, all
   threads, in % of one core; goal < 1 %) and resident memory.
3. **Ignored paths** (``--ignored-seconds``; 0 skips it): touching git-ignored
   files, the state folder, ``.git/objects`` and the check's declared output
   without pause while the check keeps running on demand; the change-triggered
   runs in the history must be 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import structlog

from autocode_core import AutocodeDaemon, CheckPlugin, CheckResult, CheckSettings

CHECK = "probe_check"


class ProbeSettings(CheckSettings):
    sleep_ms: float = 50.0
    output_path: str = "probe_report.json"

    def outputs(self) -> list[str]:
        return [self.output_path]


class Probe(CheckPlugin[ProbeSettings]):
    """Sleeps, writes its declared output, succeeds."""

    name = CHECK
    settings_model = ProbeSettings
    watch = ["*.py"]  # noqa: RUF012

    async def execute(self, context: Any) -> CheckResult:
        await anyio.sleep(context.settings.sleep_ms / 1000)
        (context.project_root / context.settings.output_path).write_text(str(time.time()))
        return CheckResult(status="success", message="probed")


def _repo(base: Path, name: str, files: int = 0) -> Path:
    root = base / name
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    (root / ".gitignore").write_text("build/\n*.log\n")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("x = 0\n")
    for i in range(files):
        folder = root / "tree" / f"d{i // 100}"
        if i % 100 == 0:
            folder.mkdir(parents=True)
        (folder / f"f{i}.py").write_text(f"v = {i}\n")
    return root


def _daemon(root: Path, args: argparse.Namespace, watch: bool) -> AutocodeDaemon:
    config = {
        "daemon": {"run_at_start": False, "execution": "inline",
                   "watch": {"quiet_ms": args.quiet_ms, "max_wait_ms": max(args.quiet_ms, 2000)}},
        "checks": {CHECK: {"sleep_ms": args.check_ms}},
    }
    return AutocodeDaemon(root, config, plugins=[Probe], load_entry_points=False, environ={}, watch=watch)


async def _until_watching(daemon: AutocodeDaemon) -> None:
    with anyio.fail_after(60):
        while daemon.watcher is None or daemon.watcher.status.state not in ("watching", "polling"):
            await anyio.sleep(0.02)
    await anyio.sleep(0.5)  # the Rust watcher is set up on awatch's first iteration


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def latency(base: Path, args: argparse.Namespace) -> dict[str, float]:
    root = _repo(base, "latency")
    direct: list[float] = []
    daemon = _daemon(root, args, watch=True)
    async with daemon:
        await _until_watching(daemon)
        for _ in range(args.edits):  # baseline: the same check, asked for directly
            started = time.perf_counter()
            await daemon.run_check(CHECK, "api")
            direct.append(time.perf_counter() - started)
        await anyio.sleep(0.5)
        watched: list[float] = []
        check_times: list[float] = []
        with daemon.events.subscribe(buffer=1024) as events:
            for n in range(args.edits):
                started = time.perf_counter()
                (root / "src" / "app.py").write_text(f"x = {n + 1}\n")
                with anyio.fail_after(30):
                    while True:
                        event = await events.receive()
                        if event.type == "check_completed" and event.trigger == "change":
                            break
                watched.append(time.perf_counter() - started)
                check_times.append(event.result.duration_seconds or 0.0 if event.result else 0.0)
                await anyio.sleep(0.05)
    quiet = args.quiet_ms / 1000
    overheads = [w - quiet - c for w, c in zip(watched, check_times, strict=True)]
    return {
        "p50": _pct(watched, 0.5), "p99": _pct(watched, 0.99),
        "check_p50": statistics.median(check_times), "overhead_p50": _pct(overheads, 0.5),
        "overhead_p99": _pct(overheads, 0.99), "direct_p50": _pct(direct, 0.5), "direct_p99": _pct(direct, 0.99),
    }


async def _idle_child(root: Path, args: argparse.Namespace, watch: bool) -> dict[str, float]:
    from autocode_core.daemon.memory import memory_mb

    daemon = _daemon(root, args, watch=watch)
    async with daemon:
        if watch:
            await _until_watching(daemon)
        await anyio.sleep(1.0)
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        await anyio.sleep(args.idle_seconds)
        after = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.perf_counter() - started
        files = daemon.watcher.status.files if daemon.watcher is not None else None
        rss = memory_mb() or 0.0
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_percent": 100 * cpu / wall, "rss_mb": rss, "files": files or 0}


def idle(base: Path, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    root = _repo(base, "idle", args.files)
    found = {}
    for mode in ("off", "on"):
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--child-root", str(root), "--idle-seconds",
             str(args.idle_seconds), "--quiet-ms", str(args.quiet_ms), "--check-ms", str(args.check_ms)],
            capture_output=True, text=True, check=True,
        )
        found[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


async def ignored(base: Path, args: argparse.Namespace) -> dict[str, int]:
    root = _repo(base, "ignored")
    daemon = _daemon(root, args, watch=True)
    touches = 0
    async with daemon:
        await _until_watching(daemon)
        deadline = time.monotonic() + args.ignored_seconds
        next_run = 0.0
        while time.monotonic() < deadline:
            for rel in ("build/out.o", "debug.log", ".autocode/scratch", ".git/objects/scratch", "probe_report.json"):
                path = root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(str(touches))
                touches += 1
            if time.monotonic() >= next_run:  # the check keeps running (and writing its output)
                await daemon.run_check(CHECK, "api")
                next_run = time.monotonic() + 1.0
            await anyio.sleep(0.01)
        await anyio.sleep(1.0)
        history = daemon.store.history
        runs = history.list_runs(CHECK, limit=100_000) if history is not None else []
    return {"touches": touches, "runs": len(runs), "change_runs": sum(1 for r in runs if r.trigger == "change")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--check-ms", type=float, default=50.0)
    parser.add_argument("--quiet-ms", type=int, default=200)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--ignored-seconds", type=float, default=60.0)
    parser.add_argument("--dir", type=Path, default=None, help="where the throw-away repositories go")
    parser.add_argument("--child", choices=["on", "off"], help=argparse.SUPPRESS)
    parser.add_argument("--child-root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    if args.child:
        print(json.dumps(anyio.run(_idle_child, args.child_root, args, args.child == "on")))
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        base = Path(tmp)
        lat = anyio.run(latency, base, args)
        print(f"edit-to-result latency over {args.edits} edits (quiet {args.quiet_ms} ms, check {args.check_ms:g} ms):")
        print(f"  watch   p50 {lat['p50'] * 1000:7.1f} ms   p99 {lat['p99'] * 1000:7.1f} ms")
        print(f"  direct  p50 {lat['direct_p50'] * 1000:7.1f} ms   p99 {lat['direct_p99'] * 1000:7.1f} ms  (baseline: run_check)")
        print(f"  ratio watch/direct p50 {lat['p50'] / lat['direct_p50']:.2f}x")
        print(f"  = quiet {args.quiet_ms} ms + check {lat['check_p50'] * 1000:.1f} ms + overhead"
              f" p50 {lat['overhead_p50'] * 1000:.1f} ms / p99 {lat['overhead_p99'] * 1000:.1f} ms (goal <= 100 ms)")
        started = time.perf_counter()
        cost = idle(base, args)
        on, off = cost["on"], cost["off"]
        print(f"idle for {args.idle_seconds:g} s on a {int(on['files'])}-file tree (tree built and measured in"
              f" {time.perf_counter() - started:.0f} s):")
        print(f"  CPU    watching {on['cpu_percent']:.2f} % of a core, not watching {off['cpu_percent']:.2f} %"
              f" (baseline); ratio {on['cpu_percent'] / max(off['cpu_percent'], 0.01):.2f}x (goal < 1 %)")
        print(f"  memory watching {on['rss_mb']:.1f} MiB, not watching {off['rss_mb']:.1f} MiB (baseline):"
              f" the watch costs {on['rss_mb'] - off['rss_mb']:.1f} MiB, ratio {on['rss_mb'] / off['rss_mb']:.2f}x")
        if args.ignored_seconds > 0:
            ign = anyio.run(ignored, base, args)
            print(f"ignored paths for {args.ignored_seconds:g} s: {ign['touches']} touches, {ign['runs']} runs of the"
                  f" check on demand, {ign['change_runs']} change-triggered runs (goal 0)")


if __name__ == "__main__":
    main()
