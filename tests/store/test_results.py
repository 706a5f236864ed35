"""``ResultStore``: latest results, run statistics, the history write, and error streaks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import structlog

from autocode_core import AutocodeConfig, CheckResult, HistoryConfig
from autocode_core.project import Project
from autocode_core.store.results import ResultStore

pytestmark = pytest.mark.anyio

CONFIG = AutocodeConfig()


def result(name: str, status: str = "success", message: str = "m") -> CheckResult:
    return CheckResult(check_name=name, status=status, message=message)


async def record(store: ResultStore, name: str, status: str = "success", message: str = "m"):
    return await store.record(
        result(name, status, message),
        plugin="p",
        plugin_version="1.2",
        trigger="schedule",
        run_id=f"run-{message}" if message != "m" else None,  # a run id is recorded once
        project_root=Path("/project"),
        config=CONFIG,
    )


def store_at(path: Path, **history) -> ResultStore:
    return ResultStore(path, HistoryConfig(**history))


async def test_latest_results_and_statistics(tmp_path) -> None:
    store = store_at(tmp_path / "history.db")
    await record(store, "a", "success", "1")
    await record(store, "a", "error", "2")
    await record(store, "b", "warning", "3")
    assert {n: r.message for n, r in store.latest.items()} == {"a": "2", "b": "3"}
    with pytest.raises(TypeError):
        store.latest["a"] = result("a")
    assert store.total_runs == 3
    assert store.stats.checks["a"].metrics().status_counts == {
        "success": 1,
        "warning": 0,
        "error": 1,
    }
    store.put(result("c", "error", "shown only"))  # a load failure: shown, not counted
    assert store.latest["c"].message == "shown only" and store.total_runs == 3
    assert [r.message for r in store.runs()] == ["3", "2", "1"] and store.runs("c") == []


async def test_a_recorded_run_is_described_for_listeners(tmp_path) -> None:
    store = store_at(tmp_path / "history.db")
    run = await record(store, "a", "error", "x")
    assert (run.check_name, run.run_id, run.plugin, run.plugin_version, run.trigger) == (
        "a",
        "run-x",
        "p",
        "1.2",
        "schedule",
    )
    assert run.result is store.latest["a"] and run.config is CONFIG
    assert run.project_root == Path("/project")
    stored = store.runs("a")[0]
    assert (stored.plugin, stored.plugin_version, stored.trigger) == ("p", "1.2", "schedule")


async def test_the_error_streak_counts_and_resets(tmp_path) -> None:
    store = store_at(tmp_path / "history.db")
    streaks = [
        (r.previous_errors, r.consecutive_errors)
        for r in [
            await record(store, "a", status) for status in ("error", "error", "warning", "error")
        ]
    ]
    assert streaks == [(0, 1), (1, 2), (2, 0), (0, 1)]


async def test_a_new_store_reads_the_streak_from_the_history_on_first_sight(tmp_path) -> None:
    path = tmp_path / "history.db"
    first = store_at(path)
    for message in ("1", "2", "3"):
        await record(first, "a", "error", message)
    await record(first, "b", "error", "b1")
    await record(first, "b", "success", "b2")
    second = store_at(path)  # a restart, or a one-shot `autocode check`
    assert second.latest["a"].message == "3" and second.latest["b"].status == "success"
    assert second.total_runs == 0
    run = await record(second, "a", "error", "4")
    assert (run.previous_errors, run.consecutive_errors) == (3, 4)
    after_success = await record(second, "b", "error", "b3")
    assert (after_success.previous_errors, after_success.consecutive_errors) == (0, 1)
    assert second.metrics()["a"].execution_count == 4  # figures from the shared history


async def test_a_store_sees_errors_another_store_recorded_since(tmp_path) -> None:
    path = tmp_path / "history.db"
    daemon = store_at(path)
    await record(daemon, "a", "error", "1")
    await record(daemon, "a", "error", "2")
    cli = store_at(path)
    opened = await record(cli, "a", "error", "3")
    assert (opened.previous_errors, opened.consecutive_errors) == (2, 3)  # incident at threshold 3
    again = await record(daemon, "a", "error", "4")
    assert (again.previous_errors, again.consecutive_errors) == (3, 4)  # not a second incident


async def test_an_unusable_history_keeps_results_in_memory(tmp_path) -> None:
    path = tmp_path / "history.db"
    path.mkdir()  # no database can be opened there
    with structlog.testing.capture_logs() as logs:
        store = store_at(path)
        run = await record(store, "a", "error", "1")
        again = await record(store, "a", "error", "2")
    assert store.latest["a"].message == "2" and store.total_runs == 2
    assert (run.consecutive_errors, again.consecutive_errors) == (1, 2) and store.runs() == []
    health = store.history.health
    assert not health.ok and health.kind == "unwritable" and str(path) in health.problem
    assert "history_write_failed" in [e["event"] for e in logs]


async def test_a_failed_history_write_keeps_the_result_in_memory(tmp_path) -> None:
    path = tmp_path / "history.db"
    store = store_at(path)
    await record(store, "a", "success", "1")
    assert store.history.health.ok and len(store.runs()) == 1
    other = sqlite3.connect(path)
    other.execute("DROP TABLE runs")  # every later write fails
    other.close()
    with structlog.testing.capture_logs() as logs:
        run = await record(store, "b", "error", "2")
    assert run.result is store.latest["b"] and store.total_runs == 2
    assert run.consecutive_errors == 1
    assert "history_write_failed" in [e["event"] for e in logs]
    assert "no such table: runs" in store.history.health.problem


async def test_reading_creates_nothing_and_the_first_run_creates_the_state_folder(tmp_path) -> None:
    project = Project(tmp_path, {}, load_entry_points=False, environ={})
    store = ResultStore.for_project(project)
    store.latest, store.runs(), store.metrics(), store.history
    assert not project.state_dir.exists() and store.history is None
    await record(store, "a")
    assert (project.state_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    assert project.history_path.exists() and store.history is not None
    store.close()


async def test_a_disabled_history_writes_nothing_but_still_counts_streaks(tmp_path) -> None:
    path = tmp_path / "state" / "history.db"
    store = store_at(path, enabled=False)
    await record(store, "a", "error")
    run = await record(store, "a", "error")
    assert run.consecutive_errors == 2 and store.history is None
    assert not path.parent.exists()
