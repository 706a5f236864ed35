"""Configuration, scheduler tasks and plugins: through a real server on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest

CONFIG_FILE = """\
# my settings: keep this comment
[daemon]
max_concurrent_checks = 3   # trailing comment

[daemon.quick_check]
interval_minutes = 20
"""


def test_config_is_the_effective_configuration_with_secrets_masked(make_server: Any) -> None:
    server = make_server({"api": {"token": "s3cret"}, "daemon": {"max_concurrent_checks": 4}})
    config = server.client.get("/api/config").json()
    assert config["daemon"]["max_concurrent_checks"] == 4
    assert config["api"]["token"] == "**********"
    assert "s3cret" not in server.client.get("/api/config").text


def test_celery_urls_are_shown_without_password_and_stay_start_only(make_server: Any) -> None:
    broker = "redis://:br0ker-s3cret@127.0.0.1:6379/0"
    server = make_server({"celery": {"broker_url": broker, "result_backend": broker.replace("/0", "/1")}})
    response = server.client.get("/api/config")
    assert response.json()["celery"]["broker_url"] == "redis://:***@127.0.0.1:6379/0"
    assert "br0ker-s3cret" not in response.text
    refused = server.client.patch("/api/config", json={"celery": {"broker_url": "redis://127.0.0.1:1/0"}})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "celery"]
    assert "applies when the daemon starts" in refused.json()["detail"][0]["msg"]
    assert server.client.get("/api/config").json()["celery"]["broker_url"] == "redis://:***@127.0.0.1:6379/0"


def test_patch_changes_an_interval_live_and_keeps_everything_else(server: Any) -> None:
    before = server.client.get("/api/config").json()
    response = server.client.patch(
        "/api/config", json={"daemon": {"quick_check": {"interval_minutes": 3}}}
    )
    assert response.status_code == 200
    after = response.json()
    assert after["daemon"]["quick_check"]["interval_minutes"] == 3
    assert server.daemon.scheduler.tasks["quick_check"].interval_seconds == 180
    checks = {c["name"]: c for c in server.client.get("/api/checks").json()["checks"]}
    assert checks["quick_check"]["interval_minutes"] == 3
    assert checks["async_check"]["interval_minutes"] == 30
    assert after["daemon"]["max_concurrent_checks"] == before["daemon"]["max_concurrent_checks"]
    second = server.client.patch(
        "/api/config", json={"daemon": {"async_check": {"enabled": False}}}
    ).json()
    assert second["daemon"]["quick_check"]["interval_minutes"] == 3  # an earlier update stays
    assert server.daemon.scheduler.tasks["async_check"].enabled is False


def test_patch_never_touches_the_config_file(make_server: Any) -> None:
    server = make_server(config_file=CONFIG_FILE)
    path = server.daemon.project_root / "autocode.toml"
    response = server.client.patch(
        "/api/config", json={"daemon": {"quick_check": {"interval_minutes": 7}}}
    )
    assert response.status_code == 200
    assert response.json()["daemon"]["max_concurrent_checks"] == 3
    assert server.daemon.scheduler.tasks["quick_check"].interval_seconds == 420
    assert path.read_text(encoding="utf-8") == CONFIG_FILE


def test_invalid_value_is_422_with_the_field_and_reason_and_changes_nothing(server: Any) -> None:
    response = server.client.patch(
        "/api/config", json={"daemon": {"quick_check": {"interval_minutes": -1}}}
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "daemon", "quick_check", "interval_minutes"]
    assert "between 0.0166667 and 525600" in problem["msg"]
    assert server.daemon.scheduler.tasks["quick_check"].interval_seconds == 3600
    response = server.client.patch(
        "/api/config", json={"daemon": {"max_concurrent_checks": "many"}}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "daemon", "max_concurrent_checks"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (
            {"daemon": {"quick_check": {"intervall_minutes": 3}}},
            ["body", "daemon", "quick_check", "intervall_minutes"],
        ),
        (
            {"daemon": {"no_such_check": {"interval_minutes": 3}}},
            ["body", "daemon", "no_such_check"],
        ),
        ({"checks": {"no_such_check": {"x": 1}}}, ["body", "checks", "no_such_check"]),
        ({"checks": {"quick_check": {"x": 1}}}, ["body", "checks", "quick_check"]),
        ({"history": {"max_runz": 3}}, ["body", "history", "max_runz"]),
        ({"nonsense": 1}, ["body", "nonsense"]),
        ({"api": {"port": 1}}, ["body", "api"]),
        ({"disable_plugins": ["quick_check"]}, ["body", "disable_plugins"]),
        ({"daemon": []}, ["body", "daemon"]),
        ({"daemon": {"quick_check": 5}}, ["body", "daemon", "quick_check"]),
    ],
)
def test_unknown_or_start_only_keys_are_422(server: Any, body: Any, loc: list[str]) -> None:
    response = server.client.patch("/api/config", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"[1, 2]",
        b"null",
        b"{}",
        b'"text"',
        b"\xff\xfe{}",
        b"[" * 30000 + b"]" * 30000,
        b'{"daemon": ' * 5000 + b"1" + b"}" * 5000,
    ],
)
def test_malformed_bodies_are_422(server: Any, content: bytes) -> None:
    response = server.client.patch(
        "/api/config", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_scheduler_tasks_and_their_actions(server: Any) -> None:
    tasks = server.client.get("/api/scheduler/tasks").json()
    assert tasks["is_running"] is True
    assert set(tasks["tasks"]) == {"async_check", "gated_check", "quick_check"}
    assert tasks["tasks"]["quick_check"]["interval_seconds"] == 3600
    paused = server.client.post("/api/scheduler/tasks/quick_check/pause")
    assert paused.status_code == 200 and paused.json()["paused"] is True
    assert server.client.get("/api/checks").json()["checks"][2]["paused"] is True
    assert server.client.post("/api/scheduler/tasks/quick_check/resume").json()["paused"] is False
    disabled = server.client.post("/api/scheduler/tasks/quick_check/disable").json()
    assert disabled["enabled"] is False
    assert server.client.get("/api/config").json()["daemon"]["quick_check"]["enabled"] is False
    assert server.client.post("/api/scheduler/tasks/quick_check/enable").json()["enabled"] is True


def test_unknown_task_action_is_404(server: Any) -> None:
    response = server.client.post("/api/scheduler/tasks/quick_check/explode")
    assert response.status_code == 404
    assert "pause, resume, enable, disable" in response.json()["detail"]
    assert server.client.get("/api/scheduler/tasks/quick_check/pause").status_code == 405


def test_plugins_is_what_the_cli_prints(server: Any) -> None:
    body = server.client.get("/api/plugins").json()
    assert body["schema_version"] == 1
    assert body["plugins"] == [p.to_dict() for p in server.daemon.plugins.plugins]
    assert {p["check"] for p in body["plugins"]} >= {"quick_check", "async_check", "gated_check"}
