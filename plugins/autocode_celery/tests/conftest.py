"""A fleet for the tests: a bare repository holding a project, a check plugin
installed on the "worker machines" (a distribution on their PYTHONPATH), and
two ``autocode worker`` processes with folders of their own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from autocode_celery.app import make_app
from autocode_celery.settings import CelerySettings

from autocode_core import CheckPlugin, CheckResult
from autocode_core.testing import GitRepo, make_git_repo

CHECK = '''
import os, time
from pathlib import Path
from autocode_core import CheckPlugin, CheckResult

class Slow(CheckPlugin):
    name = "slow_check"

    def execute(self, context):
        marks = Path(os.environ["FLEET_MARKS"])
        (marks / f"{os.environ['FLEET_WORKER']}-{context.check_name}-{os.getpid()}").write_text("started")
        pause = context.project_root / "pause.txt"
        time.sleep(float(pause.read_text()) if pause.exists() else 0)
        data = (context.project_root / "data.txt").read_text().strip()
        return CheckResult(status="success", message=f"data is {data}")

class Crash(CheckPlugin):
    name = "crash_check"

    def execute(self, context):
        os._exit(9)  # the run's worker process dies
'''


class SlowCheck(CheckPlugin):
    """The daemon's view of the check (it only runs on workers)."""

    name = "slow_check"

    def execute(self, context):  # pragma: no cover - never runs in the daemon
        return CheckResult(status="error", message="ran in the daemon")


class CrashCheck(SlowCheck):
    """The daemon's view of the check that kills its process."""

    name = "crash_check"


def write_dist(site: Path) -> None:
    """``fleet_checks`` as an installed distribution with an ``autocode`` entry point."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "fleet_checks.py").write_text(textwrap.dedent(CHECK))
    info = site / "fleet_checks-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fleet-checks\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[autocode]\nslow_check = fleet_checks:Slow\ncrash_check = fleet_checks:Crash\n")


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    folder: Path

    def kill(self) -> None:
        """SIGKILL the worker and its children (the machine dies)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)


@dataclass
class Fleet:
    redis_url: str
    bare: Path
    marks: Path
    site: Path
    root: Path
    workers: dict[str, Worker] = field(default_factory=dict)

    def settings(self, **more: object) -> dict[str, object]:
        return {"broker_url": self.redis_url, "code": "git", "repository_url": str(self.bare),
                "visibility_timeout_seconds": 5, **more}

    def start_worker(self, name: str) -> Worker:
        folder = self.root / name
        folder.mkdir()
        (folder / "autocode.toml").write_text(
            f'[celery]\nbroker_url = "{self.redis_url}"\nvisibility_timeout_seconds = 5\n')
        env = {**os.environ, "PYTHONPATH": str(self.site), "FLEET_MARKS": str(self.marks), "FLEET_WORKER": name}
        autocode = Path(sys.executable).parent / "autocode"
        with open(folder / "worker.log", "wb") as log:
            process = subprocess.Popen(
                [str(autocode), "worker", "-C", str(folder), "--cache", str(folder / "cache"),
                 "--hostname", f"{name}@fleet", "--loglevel", "WARNING"],
                cwd=folder, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
            )
        worker = Worker(name, process, folder)
        self.workers[name] = worker
        return worker

    def wait_ready(self, names: list[str], timeout: float = 60) -> None:
        app = make_app(CelerySettings(broker_url=self.redis_url))
        deadline = time.monotonic() + timeout
        wanted = {f"{n}@fleet" for n in names}
        try:
            while time.monotonic() < deadline:
                answered = {k for reply in app.control.ping(timeout=0.5) for k in reply}
                if wanted <= answered:
                    return
                for n in names:
                    if self.workers[n].process.poll() is not None:
                        raise AssertionError((self.workers[n].folder / "worker.log").read_text())
        finally:
            app.close()
        raise AssertionError(f"workers {wanted} did not answer")

    def started(self) -> list[str]:
        """The worker names that started runs, in order."""
        return sorted((p.name.split("-")[0] for p in self.marks.iterdir()), key=str)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the executor is the same on trio; the workers are what these tests exercise


@pytest.fixture(scope="module")
def fleet(redis_server, tmp_path_factory) -> Iterator[Fleet]:
    """Two workers (w1, w2) on the session's Redis, and a bare repository of a project."""
    root = tmp_path_factory.mktemp("fleet")
    origin = make_git_repo(root / "origin")
    origin.write("data.txt", "committed\n")
    origin.commit("project")
    bare = root / "project.git"
    subprocess.run(["git", "clone", "--bare", "--quiet", str(origin.path), str(bare)], check=True)
    site = root / "site"
    write_dist(site)
    marks = root / "marks"
    marks.mkdir()
    found = Fleet(redis_server.url, bare, marks, site, root)
    found.start_worker("w1")
    found.start_worker("w2")
    found.wait_ready(["w1", "w2"])
    yield found
    for worker in found.workers.values():
        worker.kill()


@pytest.fixture
def clone(fleet: Fleet, tmp_path: Path) -> GitRepo:
    """The daemon's working copy: a clone of the bare repository."""
    subprocess.run(["git", "clone", "--quiet", str(fleet.bare), str(tmp_path / "work")], check=True)
    repo = GitRepo(tmp_path / "work")
    for mark in fleet.marks.iterdir():
        mark.unlink()
    return repo
