"""Benchmark of scale-out: runs on Celery workers, and the history on PostgreSQL.

    python bench/bench_scaleout.py [--only remote,fleet,cpu,history,writers]
        [--runs 100] [--fleet-runs 1000] [--cpu-runs 16] [--cpu-seconds 10]
        [--rows 1000000] [--writers 8] [--writer-runs 10000]

Real servers, started here like the tests start them (root ``conftest.py``):
redis-server and PostgreSQL on free loopback ports, unprivileged; real
``autocode worker`` processes (code location ``path``).

1. remote: one no-op run, daemon → broker → worker (its own worker process)
   → daemon, against the local process executor, ``--runs`` each, in this run.
2. fleet: ``--fleet-runs`` no-op runs sent at once, over 2 workers vs 1.
3. cpu: ``--cpu-runs`` runs of a check burning ``--cpu-seconds`` of CPU,
   wall time with 2 workers vs 1 (the goal is 1.8x where 2 cores are free).
4. history: record one run and compute every check's metrics over ``--rows``
   rows (10 checks), PostgreSQL vs SQLite.
5. writers: ``--writers`` processes recording ``--writer-runs`` runs each at
   once into PostgreSQL: nothing lost, and the rate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import anyio

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autocode_core import AutocodeDaemon, CheckPlugin, CheckResult  # noqa: E402
from autocode_core.cli.logs import configure_logging  # noqa: E402
from autocode_core.config.models import AutocodeConfig  # noqa: E402
from autocode_core.plugin.loader import load_plugins  # noqa: E402
from autocode_core.run.executor import ExecutorSetup, RunJob  # noqa: E402
from conftest import start_postgres, start_redis  # noqa: E402  (the tests' server launchers)

CHECKS = '''
import time
from autocode_core import CheckPlugin, CheckResult

class Noop(CheckPlugin):
    name = "noop_check"

    def execute(self, context):
        return CheckResult(status="success", message="nothing")

class Cpu(CheckPlugin):
    name = "cpu_check"

    def execute(self, context):
        seconds = float((context.project_root / "cpu_seconds.txt").read_text())
        end = time.process_time() + seconds
        n = 0
        while time.process_time() < end:
            n += 1
        return CheckResult(status="success", message=f"{n} loops")
'''


class Noop(CheckPlugin):
    name = "noop_check"

    def execute(self, context):
        return CheckResult(status="success", message="nothing")


class Cpu(CheckPlugin):
    name = "cpu_check"

    def execute(self, context):  # pragma: no cover - runs on workers
        return CheckResult(status="error", message="ran in the daemon")


def install_checks(site: Path) -> None:
    site.mkdir(parents=True, exist_ok=True)
    (site / "bench_fleet_checks.py").write_text(textwrap.dedent(CHECKS))
    info = site / "bench_fleet_checks-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bench-fleet-checks\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[autocode]\nnoop_check = bench_fleet_checks:Noop\ncpu_check = bench_fleet_checks:Cpu\n")


class Fleet:
    """``autocode worker`` processes on one broker."""

    def __init__(self, broker: str, site: Path, root: Path) -> None:
        self.broker, self.site, self.root = broker, site, root
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int) -> None:
        from autocode_celery.app import make_app
        from autocode_celery.settings import CelerySettings

        names = []
        for _ in range(count):
            name = f"w{len(self.processes) + 1}@bench"
            folder = self.root / name
            folder.mkdir(parents=True, exist_ok=True)
            env = {**os.environ, "PYTHONPATH": str(self.site)}
            with open(folder / "worker.log", "wb") as log:
                self.processes.append(subprocess.Popen(
                    [str(Path(sys.executable).parent / "autocode"), "worker", "--broker", self.broker,
                     "--cache", str(folder / "cache"), "--hostname", name, "--loglevel", "WARNING"],
                    cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            names.append(name)
        app = make_app(CelerySettings(broker_url=self.broker))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if set(names) <= {k for reply in app.control.ping(timeout=0.5) for k in reply}:
                break
        app.close()

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def project(root: Path, cpu_seconds: float = 0.0) -> Path:
    folder = root / "project"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cpu_seconds.txt").write_text(str(cpu_seconds))
    return folder


def daemon_for(folder: Path, execution: str, broker: str) -> AutocodeDaemon:
    from autocode_celery.executor import CeleryExecutor

    config = {"daemon": {"execution": execution, "run_at_start": False, "check_timeout_seconds": 600},
              "celery": {"broker_url": broker, "code": "path"}, "history": {"enabled": False}}
    # the checks from their installed distribution: the process executor imports them by name
    return AutocodeDaemon(folder, config, environ={}, executors={"celery": CeleryExecutor.from_setup})


def remote_vs_local(folder: Path, broker: str, runs: int) -> None:
    async def timed(execution: str) -> list[float]:
        daemon = daemon_for(folder, execution, broker)
        out = []
        async with daemon:
            await daemon.run_check("noop_check")  # warm
            for _ in range(runs):
                start = time.perf_counter()
                result = await daemon.run_check("noop_check")
                out.append(time.perf_counter() - start)
                assert result.status == "success", result.message
        return out

    local = anyio.run(timed, "process")
    remote = anyio.run(timed, "celery")
    lm, rm = statistics.median(local), statistics.median(remote)
    print(f"remote no-op run: median {rm * 1000:.0f} ms vs local process executor {lm * 1000:.0f} ms"
          f" ({rm / lm:.1f}x), {runs} runs each")


async def send_many(folder: Path, broker: str, check: str, count: int, at_once: int = 64) -> float:
    """Wall time of ``count`` runs of ``check`` sent through the Celery executor at once."""
    from autocode_celery.executor import CeleryExecutor

    config = AutocodeConfig.model_validate({"celery": {"broker_url": broker, "code": "path"}})
    entry = load_plugins(entry_points=False, plugins=[Noop, Cpu]).checks[check]
    executor = CeleryExecutor.from_setup(ExecutorSetup(config, (entry,), serving=True))
    limiter = anyio.CapacityLimiter(at_once)
    failures: list[str] = []

    async def one(n: int) -> None:
        async with limiter:
            job = RunJob(f"bench-{check}-{n}-{time.time_ns()}", entry, folder, config, None, 600.0, None, "api")
            result = await executor.execute(job)
            if result.status != "success":
                failures.append(result.message)

    start = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for n in range(count):
            tg.start_soon(one, n)
    executor.close()
    if failures:
        raise SystemExit(f"{len(failures)} runs failed, e.g. {failures[0]}")
    return time.perf_counter() - start


def over_workers(fleet: Fleet, folder: Path, broker: str, check: str, count: int, label: str) -> None:
    times = {}
    for workers in (1, 2):
        fleet.start(workers - len(fleet.processes))
        anyio.run(send_many, folder, broker, check, min(count, 2))  # warm both
        times[workers] = anyio.run(send_many, folder, broker, check, count)
    print(f"{label}: {count} runs, 1 worker {times[1]:.1f} s ({count / times[1]:.1f} runs/s),"
          f" 2 workers {times[2]:.1f} s ({count / times[2]:.1f} runs/s): {times[1] / times[2]:.2f}x")


def history(rows: int, folder: Path, url: str) -> None:
    import psycopg

    from autocode_core.store.history import HistoryStore
    from autocode_core.store.history_postgres import PostgresHistory

    now = time.time()
    data = [(f"check_{i % 10}", "success" if i % 7 else "error", "m", "{}", now - rows + i, (i % 100) / 10,
             "p", "1", "schedule", "[]", "bench", None) for i in range(rows)]
    lite = HistoryStore(folder / "history.db", max_runs_per_check=rows, project="bench")
    pg = PostgresHistory(url, max_runs_per_check=rows, project="bench")
    lite._file.transaction(lambda conn: conn.executemany(
        "INSERT INTO runs (check_name, status, message, details, started_at, duration, plugin, plugin_version,"
        " trigger, findings, project, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", data))
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor().copy(
        "COPY runs (check_name, status, message, details, started_at, duration, plugin, plugin_version, trigger,"
        " findings, project, run_id) FROM STDIN") as copy:
        for row in data:
            copy.write_row(row)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE runs")
    for name, store in (("SQLite", lite), ("PostgreSQL", pg)):
        store.record(CheckResult(check_name="check_0", status="success", message="m"))  # counts, prunes
        records = []
        for _ in range(200):
            start = time.perf_counter()
            store.record(CheckResult(check_name="check_1", status="success", message="m", duration_seconds=1))
            records.append(time.perf_counter() - start)
        metrics = []
        for _ in range(3):
            start = time.perf_counter()
            figures = store.metrics() if name == "PostgreSQL" else store._compute_metrics()
            metrics.append(time.perf_counter() - start)
        assert figures["check_1"]["execution_count"] >= rows // 10
        print(f"history {name}: {store.count():,} rows; record one run median "
              f"{statistics.median(records) * 1000:.2f} ms; metrics of 10 checks {min(metrics):.2f} s")
        store.close()


WRITER = textwrap.dedent("""
    import sys
    from autocode_core import CheckResult
    from autocode_core.store.history_postgres import PostgresHistory
    url, project, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = PostgresHistory(url, max_runs_per_check=1_000_000, project=project)
    for i in range(runs):
        store.record(CheckResult(check_name="c", status="success", message=str(i)), run_id=f"{project}-{i}")
    store.close()
""")


def writers(url: str, count: int, runs: int) -> None:
    from autocode_core.store.history_postgres import PostgresHistory

    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, f"daemon{n}", str(runs)]) for n in range(count)]
    codes = [p.wait() for p in procs]
    took = time.perf_counter() - start
    store = PostgresHistory(url, project="daemon0")
    stored = {name: entry["checks"]["c"]["runs"] for name, entry in store.projects().items()}
    store.close()
    lost = count * runs - sum(stored.values())
    print(f"writers: {count} processes x {runs:,} runs into PostgreSQL in {took:.1f} s"
          f" ({count * runs / took:,.0f} runs/s), exit codes {set(codes)}, lost {lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="remote,fleet,cpu,history,writers")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--fleet-runs", type=int, default=1000)
    parser.add_argument("--cpu-runs", type=int, default=16)
    parser.add_argument("--cpu-seconds", type=float, default=10.0)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writer-runs", type=int, default=10_000)
    args = parser.parse_args()
    only = set(args.only.split(","))
    configure_logging("console", "error")
    root = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    root.chmod(0o755)
    site = root / "site"
    install_checks(site)
    sys.path.insert(0, str(site))
    print(f"cpus: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    try:
        if only & {"remote", "fleet", "cpu"}:
            redis = start_redis()
            fleet = Fleet(redis.url, site, root / "workers")
            try:
                if "remote" in only:
                    fleet.start(1)
                    remote_vs_local(project(root), redis.url, args.runs)
                    fleet.stop()
                if "fleet" in only:
                    over_workers(fleet, project(root), redis.url, "noop_check", args.fleet_runs, "fleet no-op")
                    fleet.stop()
                if "cpu" in only:
                    folder = project(root, args.cpu_seconds)
                    over_workers(fleet, folder, redis.url, "cpu_check", args.cpu_runs,
                                 f"cpu check ({args.cpu_seconds:g} s of CPU each)")
                    fleet.stop()
            finally:
                fleet.stop()
                redis.stop()
        if only & {"history", "writers"}:
            server = start_postgres()
            try:
                if "history" in only:
                    history(args.rows, root, server.create_database("bench_history"))
                if "writers" in only:
                    writers(server.create_database("bench_writers"), args.writers, args.writer_runs)
            finally:
                server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps({"done": sorted(only)}))


if __name__ == "__main__":
    main()
