"""Start-up time of the read-only commands: ``plugins``, ``config show``, ``status``, ``history``.

    python bench/bench_startup.py [--runs 15] [--history 3000] [--no-write-bytecode]

Builds a throw-away project with the three first-party plugins installed
(``pip install -r requirements-dev.txt``) and a run history of ``--history``
runs of their checks, recorded through the public daemon API (so any version
of autocode can build it). Then runs each command ``--runs`` times as a
subprocess of the installed ``autocode`` script, the commands taking turns so
that a busy machine slows them all alike, and prints the median wall time of
each against two baselines measured in the same run: ``python -c pass`` (the
interpreter alone) and ``python -c "import autocode_core"`` (the package). The
median CPU time (user + system) of each process is printed too: on a busy
machine it moves far less than the wall time. Bytecode is cached (in the
temporary folder) unless ``--no-write-bytecode``: then the modules that have no
``.pyc`` yet (an editable checkout's) are compiled on every run, as in a
development environment with ``PYTHONDONTWRITEBYTECODE=1``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import structlog

from autocode_core import AutocodeDaemon, CheckPlugin, CheckResult

FIRST_PARTY = ("doc_check", "git_check", "test_check")
COMMANDS = (("plugins",), ("config", "show"), ("status",), ("history",))


def _recorder(check: str) -> type[CheckPlugin]:
    """A stand-in check named like a first-party one: the history must hold its runs."""

    class Recorded(CheckPlugin):
        name = check

        def execute(self, context):
            return CheckResult(status="success", message=f"✅ {check}")

    return Recorded


def build_project(root: Path, runs: int) -> None:
    """``autocode.toml`` and a history of ``runs`` runs spread over the first-party checks."""
    (root / "autocode.toml").write_text(f"[history]\nmax_runs_per_check = {runs}\n")
    config = {"history": {"max_runs_per_check": runs}, "daemon": {"run_at_start": False}}
    daemon = AutocodeDaemon(
        root, config, plugins=[_recorder(c) for c in FIRST_PARTY], load_entry_points=False
    )

    async def record() -> None:
        async with daemon:
            for i in range(runs):
                await daemon.run_check(FIRST_PARTY[i % len(FIRST_PARTY)])

    anyio.run(record)


def command_line(args: tuple[str, ...]) -> list[str]:
    """The ``autocode`` script next to this interpreter, else ``-m autocode_core.cli``."""
    script = Path(sys.executable).with_name("autocode")
    return (
        [str(script), *args]
        if script.exists()
        else [sys.executable, "-m", "autocode_core.cli", *args]
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    cases: dict[str, list[str]], cwd: Path, env: dict[str, str], runs: int
) -> dict[str, tuple[float, float]]:
    """Median wall time and median CPU time (user + system) of each command line, in
    seconds; the cases take turns. CPU time hardly moves when the machine is busy."""
    wall: dict[str, list[float]] = {label: [] for label in cases}
    cpu: dict[str, list[float]] = {label: [] for label in cases}
    for label, argv in cases.items():  # warm-up: bytecode caches, page cache
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{label} failed ({done.returncode}):\n{done.stderr}")
    for _ in range(runs):
        for label, argv in cases.items():
            cpu_before, start = _children_cpu(), time.perf_counter()
            subprocess.run(
                argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            wall[label].append(time.perf_counter() - start)
            cpu[label].append(_children_cpu() - cpu_before)
    return {
        label: (statistics.median(wall[label]), statistics.median(cpu[label])) for label in cases
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (median)")
    parser.add_argument("--history", type=int, default=3000, help="runs in the project's history")
    parser.add_argument(
        "--no-write-bytecode",
        action="store_true",
        help="write no .pyc (PYTHONDONTWRITEBYTECODE=1): uncached modules, such as "
        "an editable checkout's, compile on every run",
    )
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    root = Path(tempfile.mkdtemp(prefix="autocode-bench-startup-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUTOCODE", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"))
    }
    if args.no_write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:  # caches in the temporary folder: nothing written next to the sources; warm-up fills it
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    try:
        started = time.perf_counter()
        build_project(root, args.history)
        built = time.perf_counter() - started
        listed = subprocess.run(
            command_line(("plugins", "--json")),
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        loaded = {
            p["check"] for p in json.loads(listed.stdout)["plugins"] if p["status"] == "loaded"
        }
        missing = [c for c in FIRST_PARTY if c not in loaded]
        if missing:
            raise SystemExit(f"first-party plugins not installed: {', '.join(missing)}")
        baselines = {
            "python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import autocode_core"': [sys.executable, "-c", "import autocode_core"],
        }
        commands = {"autocode " + " ".join(c): command_line(c) for c in COMMANDS}
        medians = measure({**baselines, **commands}, root, env, args.runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    bare, package = medians["python -c pass"][0], medians['python -c "import autocode_core"'][0]
    cache = "no .pyc written" if args.no_write_bytecode else "bytecode cached"
    print(
        f"start-up, median of {args.runs} runs: project with {', '.join(FIRST_PARTY)} installed "
        f"and {args.history} runs of history (built in {built:.1f} s); python "
        f"{sys.version.split()[0]}, {cache}"
    )
    print(f"  {'':34} {'wall':>8}      {'cpu':>8}      {'wall / pass':>11}  {'wall / import':>13}")
    for label, (seconds, cpu) in medians.items():
        ratios = f"{seconds / bare:10.1f}x  {seconds / package:12.2f}x" if label in commands else ""
        print(f"  {label:34} {seconds * 1000:8.1f} ms   {cpu * 1000:8.1f} ms   {ratios}")


if __name__ == "__main__":
    main()
