"""A full disk: said as "disk full" with the path, results kept in memory, the
history reports it for health, the daemon refuses to start in one line.

The disk is a real 1 MB tmpfs (mounting needs root; skipped with the reason
otherwise). A file-size limit (``RLIMIT_FSIZE``) on a child process covers the
same write path where nothing can be mounted.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from autocode_core import AutocodeError, CheckPlugin, CheckResult
from autocode_core.errors import StorageError
from autocode_core.store.history import HistoryStore
from autocode_core.store.state_dir import DaemonLock, ensure_state_dir
from autocode_core.testing import AutocodeHarness, make_git_repo


class Small:
    """A mounted 1 MB tmpfs and a way to fill it up and free it again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink()


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Small]:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a 1 MB tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield Small(mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


class Counter(CheckPlugin):
    name = "counter_check"

    def execute(self, context):
        return CheckResult(status="success", message="✅ counted", details={"run": uuid.uuid4().hex})


def test_a_daemon_on_a_full_disk_keeps_checking_and_reports_it(small_disk) -> None:
    root = small_disk.path / "project"
    root.mkdir()
    harness = AutocodeHarness()
    harness.register(Counter)
    daemon = harness.daemon(root)
    daemon.run_check_manually("counter_check")
    store = daemon.history
    assert store is not None and store.count() == 1 and store.health.ok
    small_disk.fill()
    with structlog.testing.capture_logs() as logs:
        result = daemon.run_check_manually("counter_check")
    assert result.status == "success" and daemon.results["counter_check"] == result  # kept in memory
    db = root / ".autocode" / "history.db"
    health = store.health
    assert not health.ok and health.kind == "disk_full"
    assert health.problem is not None and health.problem.startswith(f"disk full: cannot write {db}")
    failed = [e for e in logs if e["event"] == "history_write_failed"]
    assert failed and "disk full" in failed[0]["error"] and "cannot rollback" not in failed[0]["error"]
    small_disk.free()
    daemon.run_check_manually("counter_check")
    assert store.count() == 2 and store.health.ok  # recorded again once there is room


def test_the_cli_on_a_full_disk_says_so_in_one_line(small_disk, make_dist, unique) -> None:
    repo = make_git_repo(small_disk.path / "repo")
    module = unique("full_disk_plugin")
    site = make_dist("full-disk", {module: textwrap.dedent("""
        from autocode_core import CheckPlugin, CheckResult
        class Tick(CheckPlugin):
            name = "tick_check"
            def execute(self, context):
                return CheckResult(status="success", message="✅ tick")
    """)}, {"tick_check": f"{module}:Tick"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE")}
    env |= {"PYTHONPATH": str(site), "AUTOCODE_DISABLE_PLUGINS": "doc_check,git_check,test_check"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "autocode_core.cli", *args], cwd=repo.path,
                              env=env, capture_output=True, text=True, timeout=60)

    assert cli("check").returncode == 0
    small_disk.fill()
    checked = cli("check")
    db = repo.path / ".autocode" / "history.db"
    assert checked.returncode == 0 and "✅ tick_check: tick" in checked.stdout
    assert "disk full" in checked.stderr and str(db) in checked.stderr
    assert "cannot rollback" not in checked.stderr and "Traceback" not in checked.stderr
    daemon = subprocess.run([sys.executable, "-m", "autocode_core.cli", "daemon", "--port", "0"],
                            cwd=repo.path, env=env, capture_output=True, text=True, timeout=60)
    lock = repo.path / ".autocode" / "daemon.lock"
    assert daemon.returncode == 1
    assert f"autocode: disk full: cannot write {lock}" in daemon.stderr
    assert "Traceback" not in daemon.stderr and "ExceptionGroup" not in daemon.stderr
    small_disk.free()
    assert cli("check").returncode == 0
    assert HistoryStore(db).count() == 2  # the run on the full disk was shown, not stored


def test_the_lock_on_a_full_disk_is_a_clear_error(small_disk) -> None:
    state = ensure_state_dir(small_disk.path)
    small_disk.fill()
    with pytest.raises(StorageError) as caught:
        DaemonLock(state).acquire({"pid": os.getpid(), "note": "x" * 10_000})
    assert isinstance(caught.value, AutocodeError) and isinstance(caught.value, OSError)
    assert str(caught.value).startswith(f"disk full: cannot write {state / 'daemon.lock'}")


def test_a_new_state_folder_on_a_full_disk_is_a_clear_error(small_disk) -> None:
    small_disk.fill()
    with pytest.raises(StorageError, match=r"^disk full: cannot write .*\.autocode"):
        ensure_state_dir(small_disk.path / "project")


CHILD = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from autocode_core.models import CheckResult
    from autocode_core.store.history import HistoryStore
    store = HistoryStore(Path(sys.argv[1]))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
    for i in range(100):
        try:
            store.record(CheckResult(check_name="c", status="success", message=str(i),
                                     details={"blob": "x" * 50_000}))
        except Exception as exc:
            print(type(exc).__name__, "|", exc, "|", store.health.problem)
            break
    else:
        print("no error")
    print(store.count())
""")


def test_a_file_size_limit_is_reported_with_the_path_not_a_rollback_error(tmp_path) -> None:
    db = tmp_path / "history.db"
    HistoryStore(db).close()
    done = subprocess.run([sys.executable, "-c", CHILD, str(db)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    *logged, first, count = done.stdout.splitlines()
    assert any("history_unavailable" in line for line in logged)
    kind, message, problem = first.split(" | ")
    assert kind == "StorageError" and message == problem
    assert message.startswith(f"cannot write {db}") and "cannot rollback" not in message
    assert 0 < int(count) < 100  # what fitted was stored; the store still answers
