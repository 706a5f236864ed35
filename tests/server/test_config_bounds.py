"""``PATCH /api/config`` against a real server: absurd numbers and start-only
settings are 422 and change nothing; everything keeps answering."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest


def _snapshot(server: Any) -> tuple[Any, Any, dict[str, float | None]]:
    """The configuration, the scheduler's tasks, and their next runs apart (computed from
    the monotonic clock at each request, they may differ by microseconds)."""
    config = server.client.get("/api/config")
    tasks = server.client.get("/api/scheduler/tasks")
    assert config.status_code == tasks.status_code == 200
    shown = tasks.json()["tasks"]
    next_runs = {}
    for name, task in shown.items():
        when = task.pop("next_run")
        next_runs[name] = datetime.fromisoformat(when).timestamp() if when else None
    return config.json(), shown, next_runs


def _unchanged(server: Any, before: tuple[Any, Any, dict[str, float | None]]) -> None:
    config, tasks, next_runs = _snapshot(server)
    assert (config, tasks) == before[:2]
    assert next_runs == pytest.approx(before[2], abs=0.05)


def _still_answers(server: Any) -> None:
    for path in ("/api/checks", "/api/scheduler/tasks", "/metrics", "/api/status"):
        assert server.client.get(path).status_code == 200, path
    run = server.client.post("/api/checks/quick_check/run")
    assert run.status_code == 200 and run.json()["status"] == "warning"


@pytest.mark.parametrize(
    ("body", "loc", "bounds"),
    [
        ({"daemon": {"quick_check": {"interval_minutes": 1e12}}},
         ["body", "daemon", "quick_check", "interval_minutes"], "between 0.0166667 and 525600"),
        ({"daemon": {"quick_check": {"interval_minutes": 1e308}}},
         ["body", "daemon", "quick_check", "interval_minutes"], "between 0.0166667 and 525600"),
        ({"daemon": {"quick_check": {"interval_minutes": 1e-7}}},
         ["body", "daemon", "quick_check", "interval_minutes"], "between 0.0166667 and 525600"),
        ({"daemon": {"jitter_seconds": 1e300}}, ["body", "daemon", "jitter_seconds"], "between 0 and 3600"),
        ({"daemon": {"max_memory_usage_mb": 1e308}}, ["body", "daemon", "max_memory_usage_mb"], "between 16 and"),
        ({"daemon": {"max_memory_usage_mb": 1e14}}, ["body", "daemon", "max_memory_usage_mb"], "between 16 and"),
        ({"daemon": {"quick_check": {"enabled": "yes"}}},
         ["body", "daemon", "quick_check", "enabled"], "valid boolean"),
    ],
)
def test_absurd_values_are_422_and_change_nothing(server: Any, body: Any, loc: list[str], bounds: str) -> None:
    before = _snapshot(server)
    response = server.client.patch("/api/config", json=body)
    assert response.status_code == 422, response.text
    (problem,) = response.json()["detail"]
    assert problem["loc"] == loc and bounds in problem["msg"]
    _unchanged(server, before)
    assert server.daemon.scheduler.tasks["quick_check"].interval_seconds == 3600
    _still_answers(server)


def test_a_patch_is_applied_entirely_or_not_at_all(server: Any) -> None:
    before = _snapshot(server)
    body = {"daemon": {"jitter_seconds": 5, "quick_check": {"interval_minutes": 1e12}}}
    assert server.client.patch("/api/config", json=body).status_code == 422
    _unchanged(server, before)
    assert server.daemon.scheduler.jitter_seconds == 0


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"daemon": {"state_dir": "elsewhere"}}, ["body", "daemon", "state_dir"]),
        ({"daemon": {"run_at_start": True}}, ["body", "daemon", "run_at_start"]),
        ({"api": {"port": 1}}, ["body", "api"]),
        ({"history": {"max_runs_per_check": 10}}, ["body", "history", "max_runs_per_check"]),
        ({"disable_plugins": ["quick_check"]}, ["body", "disable_plugins"]),
        ({"profiles": {"dev": {}}}, ["body", "profiles"]),
    ],
)
def test_start_only_settings_are_refused_live(server: Any, body: Any, loc: list[str]) -> None:
    before = _snapshot(server)
    response = server.client.patch("/api/config", json=body)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == loc and problem["type"] == "start_only"
    assert "starts: change it in the configuration file and restart" in problem["msg"]
    _unchanged(server, before)
    assert not (server.daemon.project_root / "elsewhere").exists()
    _still_answers(server)
