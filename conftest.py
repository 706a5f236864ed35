"""Real PostgreSQL and Redis servers for the tests that need them (markers
``postgres`` and ``redis``), for the core's and the plugins' tests alike.

Each server is started once per session on a free loopback port, from
Debian's packages (``.ci/run`` installs them), as an unprivileged process:
PostgreSQL refuses to run as root, so when the tests run as root the data
folder belongs to ``nobody`` and ``initdb``/``pg_ctl``/``redis-server`` run
through ``runuser -u nobody``. Both are stopped at the end of the session.
Where a server is not installed its tests are skipped, saying so.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["PostgresServer", "RedisServer", "free_port", "start_postgres", "start_redis"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_unprivileged(command: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


def _private_dir(prefix: str) -> Path:
    """A fresh folder the unprivileged user owns (and can reach)."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "nobody", "nogroup")
    return base


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (Debian's layout first), if installed."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


@dataclass
class PostgresServer:
    """A running PostgreSQL cluster (trust authentication, loopback only)."""

    bin: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://autocode@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://autocode@127.0.0.1:{self.port}/{name}"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(_as_unprivileged([str(self.bin / "pg_ctl"), "-D", str(self.data), *args]),
                       check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self.pg_ctl("-o", options, "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "immediate", "-w", "stop")

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start, unprivileged. :raises RuntimeError: not installed."""
    found = postgres_bin()
    if found is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    data = _private_dir("autocode-pg-") / "data"
    subprocess.run(_as_unprivileged([str(found / "initdb"), "-D", str(data), "-U", "autocode",
                                     "--auth=trust", "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True, timeout=120)
    server = PostgresServer(found, data, free_port())
    server.start()
    return server


@dataclass
class RedisServer:
    """A running redis-server without persistence."""

    process: subprocess.Popen[bytes]
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_redis(port: int | None = None) -> RedisServer:
    """redis-server on a free loopback port, unprivileged. :raises RuntimeError: not installed."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    folder = _private_dir("autocode-redis-")
    port = port or free_port()
    process = subprocess.Popen(
        _as_unprivileged([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", str(folder)]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return RedisServer(process, port, folder)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the session (skips where it cannot be started)."""
    try:
        server = start_postgres()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield server
    server.stop()
    shutil.rmtree(server.data.parent, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database of the session's cluster."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    return postgres_server.create_database(name)


@pytest.fixture
def start_redis_server() -> Iterator[Callable[[int | None], RedisServer]]:
    """``start_redis`` for tests that stop and restart a server of their own."""
    started: list[RedisServer] = []

    def start(port: int | None = None) -> RedisServer:
        try:
            server = start_redis(port)
        except (RuntimeError, OSError) as exc:
            pytest.skip(f"Redis unavailable: {exc}")
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the session (skips where it cannot be started)."""
    try:
        server = start_redis()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"Redis unavailable: {exc}")
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)
