"""The state folder, atomic writes, and the daemon lock."""

from __future__ import annotations

import subprocess
import sys

import pytest

from autocode_core import DaemonAlreadyRunningError
from autocode_core.store.state_dir import DaemonLock, ensure_state_dir, write_atomic


def test_state_folder_ignores_itself_for_git(git_repo) -> None:
    state = ensure_state_dir(git_repo.path)
    (state / "history.db").write_text("x")
    assert git_repo.git("status", "--porcelain", "--untracked-files=all") == ""


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path) -> None:
    target = tmp_path / "out" / "file.json"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_lock_is_exclusive_across_processes_and_released_on_exit(tmp_path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from autocode_core.store.state_dir import DaemonLock;"
        "DaemonLock(Path(sys.argv[1])).acquire({'pid': 1234}); print('locked', flush=True); time.sleep(30)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(DaemonAlreadyRunningError, match="pid 1234"):
            DaemonLock(tmp_path).acquire({"pid": 1})
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    lock = DaemonLock(tmp_path)
    lock.acquire({"pid": 2})  # a killed holder leaves no stale lock behind
    lock.release()


def test_a_lock_path_that_is_a_folder_is_a_clear_error(autocode_cli) -> None:
    (autocode_cli.root / ".autocode" / "daemon.lock").mkdir(parents=True)
    done = autocode_cli("daemon", "--port", "0", timeout=30)
    assert done.returncode == 2, done.stderr
    lock = autocode_cli.root / ".autocode" / "daemon.lock"
    assert f"{lock}: is a folder; autocode's lock must be a file (remove the folder)" in done.stderr
    assert "Traceback" not in done.stderr and "ExceptionGroup" not in done.stderr


def test_the_state_folder_is_claimed_with_a_marker_and_reused(tmp_path) -> None:
    state = ensure_state_dir(tmp_path)
    assert sorted(p.name for p in state.iterdir()) == [".autocode-state", ".gitignore"]
    marker = (state / ".autocode-state").read_text()
    (state / "notes.txt").write_text("autocode owns this folder now")
    assert ensure_state_dir(tmp_path) == state and (state / ".autocode-state").read_text() == marker


def test_server_info_is_read_only_from_the_lock_holder(tmp_path) -> None:
    import json as _json
    import os as _os

    from autocode_core.store.state_dir import SERVER_FILE, DaemonLock, read_server_info

    announced = tmp_path / SERVER_FILE
    announced.write_text(_json.dumps({"pid": _os.getpid(), "url": "http://127.0.0.1:1"}))
    assert read_server_info(tmp_path) is None  # nobody holds the lock: a file left by a killed daemon
    lock = DaemonLock(tmp_path)
    lock.acquire({"pid": _os.getpid()})
    try:
        assert read_server_info(tmp_path) == {"pid": _os.getpid(), "url": "http://127.0.0.1:1"}
        announced.write_text(_json.dumps({"pid": 1, "url": "http://127.0.0.1:1"}))
        assert read_server_info(tmp_path) is None  # another daemon's file
        announced.write_text("not json")
        assert read_server_info(tmp_path) is None
    finally:
        lock.release()
