"""``DaemonThread``: a daemon in a background thread, driven from plain synchronous code."""

from __future__ import annotations

import os
import threading

import anyio
import pytest

from autocode_core import CheckPlugin, CheckResult, ConfigError, DaemonAlreadyRunningError
from autocode_core.daemon.blocking import DaemonThread
from autocode_core.daemon.snapshot import DaemonState
from autocode_core.store.state_dir import DaemonLock
from autocode_core.testing import AutocodeHarness


class Where(CheckPlugin):
    """Reports the thread it ran on."""

    name = "where_check"

    async def execute(self, context):
        return CheckResult(status="success", message=str(threading.get_ident()))


def make(tmp_path, **kwargs):
    h = AutocodeHarness()
    h.register(Where)
    return h.daemon(tmp_path, {"daemon": {"run_at_start": False}}, **kwargs)


def lock_of(tmp_path) -> DaemonLock:
    return DaemonLock(tmp_path / ".autocode")


def leaves(group: BaseExceptionGroup) -> list[BaseException]:
    """The exceptions in a (nested) group."""
    return [
        leaf
        for e in group.exceptions
        for leaf in (leaves(e) if isinstance(e, BaseExceptionGroup) else [e])
    ]


async def _thread_id() -> int:
    await anyio.lowlevel.checkpoint()
    return threading.get_ident()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_start_call_and_stop_from_synchronous_code(tmp_path, backend) -> None:
    daemon = make(tmp_path)
    thread = DaemonThread(daemon, backend)
    with pytest.raises(RuntimeError, match="not running"):
        thread.call(daemon.run_check, "where_check")
    thread.start()
    try:
        assert thread.alive and daemon.is_running() and daemon.state is DaemonState.RUNNING
        assert lock_of(tmp_path).is_held()
        loop_thread = thread.call(_thread_id)
        assert loop_thread != threading.get_ident()
        result = thread.call(daemon.run_check, "where_check")
        assert result.status == "success" and result.message == str(
            loop_thread
        )  # on the daemon's loop
        assert daemon.total_checks_run == 1
        with pytest.raises(RuntimeError, match="already running"):
            thread.start()
    finally:
        thread.stop(timeout=10)
    assert not thread.alive and daemon.state is DaemonState.STOPPED and not daemon.is_running()
    assert not lock_of(tmp_path).is_held()
    thread.stop()  # idempotent
    with pytest.raises(RuntimeError, match="not running"):
        thread.call(_thread_id)


def test_stop_from_another_thread(tmp_path) -> None:
    daemon = make(tmp_path)
    thread = DaemonThread(daemon)
    thread.start()
    stopper = threading.Thread(target=thread.stop, kwargs={"timeout": 10})
    stopper.start()
    stopper.join(15)
    assert not stopper.is_alive() and not thread.alive and daemon.state is DaemonState.STOPPED


def test_a_second_daemon_on_a_locked_project_raises_to_the_caller(tmp_path) -> None:
    first = DaemonThread(make(tmp_path))
    first.start()
    second_daemon = make(tmp_path)
    second = DaemonThread(second_daemon)
    try:
        with pytest.raises(DaemonAlreadyRunningError, match=f"already running .*pid {os.getpid()}"):
            second.start()  # the error itself, not a group, and no thread left behind
        assert not second.alive and second_daemon.state is DaemonState.STOPPED
        assert first.alive and first.daemon.is_running()
    finally:
        first.stop(timeout=10)
    second.start()  # the lock was released: the same façade can start now
    try:
        assert second.alive and second_daemon.is_running()
    finally:
        second.stop(timeout=10)


def test_a_service_that_cannot_start_is_raised_and_releases_the_lock(tmp_path) -> None:
    async def refuses(daemon, *, task_status):
        raise ConfigError("api.host: cannot listen")

    thread = DaemonThread(make(tmp_path, services=[refuses]))
    caught: list[BaseException] = []
    try:
        thread.start()
    except* ConfigError as group:  # raised inside the daemon's task group: it comes in a group
        caught.extend(leaves(group))
    assert [str(e) for e in caught] == ["invalid configuration:\n  api.host: cannot listen"]
    assert not thread.alive and thread.daemon.state is DaemonState.STOPPED
    assert not lock_of(tmp_path).is_held() and thread.daemon.total_checks_run == 0
