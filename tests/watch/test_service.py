"""``FileWatcher`` in a real daemon over a real git repository and file system."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time

import anyio
import pytest
from watchfiles import awatch

from autocode_core.testing import GitRepo
from autocode_core.watch.service import FileWatcher

from .conftest import Runs, edit_until_run, recording, wait_until, watching, watching_daemon

pytestmark = pytest.mark.anyio


async def test_editing_a_code_file_runs_the_checks_that_watch_it(git_repo: GitRepo) -> None:
    git_repo.write("src/app.py", "x = 0\n")
    git_repo.write("docs/guide.md", "# guide\n")
    git_repo.commit("initial")
    code, docs = Runs(), Runs()
    daemon = watching_daemon(
        git_repo, recording("code_check", code, watch=["*.py"]), recording("docs_check", docs, watch=["docs/"]),
    )
    async with daemon:
        await watching(daemon)
        with daemon.events.subscribe() as events:
            await edit_until_run(git_repo, "src/app.py", code)
            with anyio.fail_after(5):
                event = await events.receive()
                while event.type != "check_completed":
                    event = await events.receive()
        await anyio.sleep(0.3)
        status = daemon.snapshot().watch
        health = daemon.snapshot(history=False).health()
        from autocode_core.server.payloads import status_payload

        payload = status_payload(daemon.snapshot(history=False))
    assert code.change_runs()[0] == frozenset({"src/app.py"})
    assert docs.seen == []
    assert event.trigger == "change" and event.data["changed_paths"] == ["src/app.py"]
    assert event.data["changed_count"] == 1
    assert status is not None and status.state == "watching" and status.files == 2
    assert status.runs_started >= 1 and status.batches >= 1
    assert health["watch"]["state"] == "watching" and payload["watch"]["files"] == 2


async def test_ignored_paths_state_folder_git_internals_and_outputs_run_nothing(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "build/\n*.log\n")
    git_repo.write("src/app.py", "x = 0\n")
    git_repo.commit("initial")
    runs = Runs()
    daemon = watching_daemon(git_repo, recording("all_check", runs, watch=None, writes_output=True))
    async with daemon:
        await watching(daemon)
        result = await daemon.run_check("all_check", "api")  # writes report.json, its declared output
        assert result.status == "success"
        deadline = time.monotonic() + 0.8
        n = 0
        while time.monotonic() < deadline:
            n += 1
            git_repo.write(f"build/out{n % 5}.o", str(n))
            git_repo.write("debug.log", str(n))
            git_repo.write("report.json", str(n))
            git_repo.write(f".autocode/scratch{n % 3}", str(n))
            git_repo.write(".git/objects/scratch", str(n))
            await anyio.sleep(0.02)
        await anyio.sleep(0.4)
        in_history = daemon.store.history.list_runs("all_check")
    assert [t for t, _ in runs.seen] == ["api"], runs.seen
    assert [r.trigger for r in in_history] == ["api"]


def _branch_with_files(repo: GitRepo, branch: str, count: int) -> None:
    """A branch adding ``count`` files, built in git's object store (no working-tree writes)."""
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo.path, input=b"v = 1\n",
                          capture_output=True, check=True).stdout.decode().strip()
    entries = "".join(f"100644 {blob}\tpkg/m{i // 100}/f{i}.py\n" for i in range(count))
    env = {**os.environ, "GIT_INDEX_FILE": str(repo.path / ".git" / "big-index")}
    subprocess.run(["git", "read-tree", "HEAD"], cwd=repo.path, env=env, check=True)
    subprocess.run(["git", "update-index", "--index-info"], cwd=repo.path, env=env, input=entries.encode(), check=True)
    tree = subprocess.run(["git", "write-tree"], cwd=repo.path, env=env, capture_output=True, check=True).stdout.decode().strip()
    commit = repo.git("commit-tree", tree, "-p", "HEAD", "-m", "5000 files").strip()
    repo.git("update-ref", f"refs/heads/{branch}", commit)


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # a few seconds: one event loop is enough
async def test_a_checkout_rewriting_5000_files_runs_each_check_at_most_twice(git_repo: GitRepo) -> None:
    git_repo.write("README.md", "# demo\n")
    git_repo.commit("initial")
    _branch_with_files(git_repo, "big", 5000)
    py, everything = Runs(), Runs()
    daemon = watching_daemon(
        git_repo, recording("py_check", py, watch=["*.py"], seconds=0.2), recording("git_like", everything, watch=["*"]),
    )
    async with daemon:
        await watching(daemon)
        git_repo.git("switch", "-q", "big")
        await wait_until(lambda: bool(py.change_runs()) and bool(everything.change_runs()), 15)
        await anyio.sleep(1.0)  # more than max_wait (0.4 s): any further batch has arrived
        await wait_until(lambda: not daemon.running_checks, 10)
    assert 1 <= len(py.change_runs()) <= 2, [len(p or ()) for p in py.change_runs()]
    assert 1 <= len(everything.change_runs()) <= 2
    seen = set().union(*(p or set() for p in py.change_runs()))
    assert len(seen) == 5000
    assert ".git/HEAD" in set().union(*(p or set() for p in everything.change_runs()))
    assert ".git/HEAD" not in seen  # *.py does not watch git moves


async def test_staging_and_committing_run_the_checks_watching_git_moves_only(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    git_repo.write("a.py", "a = 1\n")
    everything, py = Runs(), Runs()
    daemon = watching_daemon(
        git_repo, recording("git_like", everything, watch=["*"]), recording("py_check", py, watch=["*.py"]),
    )
    async with daemon:
        await watching(daemon)
        with anyio.fail_after(10):
            while not any(p and ".git/index" in p for p in everything.change_runs()):
                git_repo.git("add", "a.py")
                git_repo.git("reset", "-q")
                await anyio.sleep(0.3)
        git_repo.git("commit", "-q", "--allow-empty", "-m", "empty")
        moved = {".git/HEAD", ".git/refs/heads/main"}
        await wait_until(lambda: any(p and p & moved for p in everything.change_runs()), 10)
    assert py.seen == []


async def test_queue_gives_exactly_one_follow_up_run_with_every_path(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    runs = Runs()
    daemon = watching_daemon(git_repo, recording("slow_check", runs, watch=["*.py"], seconds=0.6))
    async with daemon:
        await watching(daemon)
        await edit_until_run(git_repo, "a.py", runs)
        snapshot_run = daemon.snapshot(history=False).checks["slow_check"].run
        for i in range(3):  # three batches (quiet period 50 ms) while the first run sleeps
            git_repo.write(f"b{i}.py", "b = 1\n")
            await anyio.sleep(0.08)
        await wait_until(lambda: len(runs.seen) >= 2, 10)
        await wait_until(lambda: not daemon.running_checks, 10)
        await anyio.sleep(0.3)
    assert len(runs.change_runs()) == 2
    assert runs.change_runs()[1] == frozenset({"b0.py", "b1.py", "b2.py"})
    assert snapshot_run is not None and snapshot_run.trigger == "change"
    assert snapshot_run.changed_paths == ("a.py",) and snapshot_run.changed_count == 1


async def test_restart_cancels_the_run_and_reruns_with_both_runs_paths(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    runs = Runs()
    daemon = watching_daemon(git_repo, recording("slow_check", runs, watch=["*.py"], seconds=0.8, on_busy="restart"))
    async with daemon:
        with daemon.events.subscribe() as events:
            await watching(daemon)
            await edit_until_run(git_repo, "a.py", runs)
            git_repo.write("b.py", "b = 1\n")
            results = []
            with anyio.fail_after(10):
                while len(results) < 2:
                    event = await events.receive()
                    if event.type == "check_completed":
                        results.append(event.result)
    assert results[0].status == "error" and results[0].details["failure"] == "cancelled"
    assert "restarted" in results[0].message
    assert results[1].status == "success"
    assert len(runs.change_runs()) == 2 and runs.change_runs()[1] >= {"a.py", "b.py"}


async def test_do_nothing_drops_changes_made_during_a_run(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    runs = Runs()
    daemon = watching_daemon(git_repo, recording("slow_check", runs, watch=["*.py"], seconds=0.5, on_busy="do-nothing"))
    async with daemon:
        await watching(daemon)
        await edit_until_run(git_repo, "a.py", runs)
        git_repo.write("b.py", "b = 1\n")
        await wait_until(lambda: not daemon.running_checks, 10)
        await anyio.sleep(0.3)
    assert len(runs.change_runs()) == 1


async def test_the_project_folder_deleted_and_recreated_pauses_then_resumes(git_repo: GitRepo, tmp_path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("a = 0\n")
    runs = Runs()
    daemon = watching_daemon(GitRepo(project), recording("py_check", runs, watch=["*.py"]),
                             config={"history": {"enabled": False}})
    async with daemon:
        await watching(daemon)
        shutil.rmtree(project)
        await wait_until(lambda: daemon.snapshot(history=False).watch.state == "paused", 5)
        paused = daemon.snapshot(history=False).watch
        project.mkdir()
        await wait_until(lambda: None in runs.change_runs(), 10)  # a full run: what changed is unknown
        await watching(daemon)
        with anyio.fail_after(10):
            while frozenset({"b.py"}) not in runs.change_runs():
                (project / "b.py").write_text(f"b = {time.time()}\n")
                await anyio.sleep(0.3)
    assert paused.message and "gone" in paused.message


async def test_a_watch_limit_error_falls_back_to_polling(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    runs = Runs()
    calls: list[bool] = []

    def limited(*args, force_polling: bool = False, **kwargs):
        calls.append(force_polling)
        if not force_polling:
            raise OSError(errno.ENOSPC, "OS file watch limit reached")
        return awatch(*args, force_polling=force_polling, **kwargs)

    watchers: list[FileWatcher] = []

    async def service(daemon, *, task_status) -> None:
        watchers.append(FileWatcher(daemon, awatch_function=limited))
        await watchers[0].run(task_status=task_status)

    daemon = watching_daemon(git_repo, recording("py_check", runs, watch=["*.py"]), services=[service])
    daemon.watch = False  # the service above is the watcher
    async with daemon:
        await wait_until(lambda: watchers and watchers[0].status.state == "polling", 5)
        await anyio.sleep(0.4)
        await edit_until_run(git_repo, "a.py", runs)
        status = watchers[0].status
    assert calls[:2] == [False, True]
    assert status.message and "max_user_watches" in status.message


async def test_force_polling_polls_from_the_start(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    runs = Runs()
    config = {"daemon": {"run_at_start": False, "watch": {"force_polling": True, "poll_interval_ms": 50,
                                                          "quiet_ms": 50, "max_wait_ms": 400}}}
    daemon = watching_daemon(git_repo, recording("py_check", runs, watch=["*.py"]), config=config)
    async with daemon:
        await watching(daemon)
        assert daemon.snapshot(history=False).watch.state == "polling"
        await edit_until_run(git_repo, "a.py", runs)


async def test_the_watcher_stops_promptly_with_the_daemon(git_repo: GitRepo) -> None:
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    daemon = watching_daemon(git_repo, recording("py_check", Runs(), watch=["*.py"]))
    async with daemon:
        await watching(daemon)
        started = time.monotonic()
    assert time.monotonic() - started < 2.0
    assert daemon.watcher is not None and daemon.watcher.status.state == "stopped"
    assert daemon.snapshot(history=False).watch is None


async def test_watching_is_off_unless_asked_for_or_when_disabled(git_repo: GitRepo) -> None:
    git_repo.commit("initial")
    daemon = watching_daemon(git_repo, recording("py_check", Runs()), config={"daemon": {"watch": {"enabled": False}}})
    async with daemon:
        assert daemon.watcher is None and daemon.snapshot(history=False).watch is None


async def test_an_unexpected_watcher_fault_is_logged_and_watching_resumes(git_repo: GitRepo, monkeypatch) -> None:
    from autocode_core.watch import service as service_module

    monkeypatch.setattr(service_module, "RETRY_SECONDS", 0.1)
    git_repo.write("a.py", "a = 0\n")
    git_repo.commit("initial")
    runs = Runs()
    calls: list[int] = []

    def faulty(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("watch thread unexpectedly received a signal")
        return awatch(*args, **kwargs)

    watchers: list[FileWatcher] = []

    async def service(daemon, *, task_status) -> None:
        watchers.append(FileWatcher(daemon, awatch_function=faulty))
        await watchers[0].run(task_status=task_status)

    daemon = watching_daemon(git_repo, recording("py_check", runs, watch=["*.py"]), services=[service])
    daemon.watch = False
    async with daemon:
        await wait_until(lambda: len(calls) >= 2, 5)
        await anyio.sleep(0.4)
        await edit_until_run(git_repo, "a.py", runs)
        assert daemon.is_running()
