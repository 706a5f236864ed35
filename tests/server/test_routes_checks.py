"""Status, checks, history, runs: through a real server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from typing import Any


def test_status_is_small_and_names_every_latest_result(server: Any) -> None:
    server.client.post("/api/checks/quick_check/run").raise_for_status()
    response = server.client.get("/api/status")
    assert response.status_code == 200
    body = response.json()
    assert body["daemon"]["is_running"] is True
    assert body["daemon"]["total_checks_run"] == 1
    assert body["scheduler"] == {"is_running": True, "active_tasks": 3}
    quick = body["checks"]["quick_check"]
    assert quick["status"] == "warning"
    assert quick["message"] == "⚠️ 3 documents need attention"
    assert "details" not in quick
    assert quick["summary"]["counts"] == {
        "up_to_date": 3,
        "outdated": 2,
        "missing": 1,
        "orphaned": 0,
    }
    assert quick["summary"]["tokens"]["threshold"] == 1000
    assert "entries" not in quick["summary"] and "diff" not in quick["summary"]
    assert len(response.content) < 4000  # with every card's entry (the dashboard's one request)


def test_checks_lists_every_installed_check_with_its_schedule(server: Any) -> None:
    checks = server.client.get("/api/checks").json()["checks"]
    assert [c["name"] for c in checks] == ["async_check", "gated_check", "quick_check"]
    quick = checks[2]
    assert quick["loaded"] is True
    assert quick["enabled"] is True and quick["paused"] is False and quick["running"] is False
    assert quick["interval_minutes"] == 60
    assert quick["description"] == "Documentation freshness, as a fake."
    assert quick["result"] is None


def test_one_check_has_the_full_result_and_figures(server: Any) -> None:
    server.client.post("/api/checks/quick_check/run").raise_for_status()
    body = server.client.get("/api/checks/quick_check").json()
    assert body["result"]["details"]["entries"][0]["doc_path"] == "docs/a.md"
    assert len(body["result"]["details"]["diff"]) == 5000
    assert body["figures"]["execution_count"] == 1
    assert body["figures"]["status_counts"]["warning"] == 1


def test_unknown_check_is_404_naming_the_known_ones(server: Any) -> None:
    for method, path in [
        ("GET", "/api/checks/nope"),
        ("GET", "/api/checks/nope/history"),
        ("POST", "/api/checks/nope/run"),
        ("POST", "/api/checks/nope/run?wait=false"),
        ("POST", "/api/scheduler/tasks/nope/pause"),
    ]:
        response = server.client.request(method, path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["known"] == ["async_check", "gated_check", "quick_check"], path
        assert "nope" in body["detail"]


def test_run_waits_and_returns_the_result(server: Any) -> None:
    response = server.client.post("/api/checks/async_check/run")
    assert response.status_code == 200
    assert response.json()["status"] == "success"
    run_id = response.headers["X-Autocode-Run-Id"]
    run = server.client.get(f"/api/runs/{run_id}").json()
    assert run["state"] == "completed" and run["result"]["message"] == "✅ all good"
    history = server.client.get("/api/checks/async_check/history").json()["runs"]
    assert [r["trigger"] for r in history] == ["api"]


def test_run_without_waiting_returns_202_and_a_run_to_poll(server: Any, test_plugins: Any) -> None:
    response = server.client.post("/api/checks/gated_check/run?wait=false")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "running" and body["joined"] is False
    assert response.headers["Location"] == f"/api/runs/{body['run_id']}"
    assert server.client.get(body["url"]).json()["state"] == "running"
    assert server.client.get("/api/checks/gated_check").json()["running"] is True
    status = server.client.get("/api/status")  # the loop answers while the check blocks a thread
    assert status.status_code == 200
    test_plugins.gate.set()
    server.wait_for(lambda: server.client.get(body["url"]).json()["state"] == "completed")
    run = server.client.get(body["url"]).json()
    assert run["result"]["status"] == "error"
    assert run["result"]["details"]["attention"][0]["test"] == "tests/test_x.py"
    assert run["finished_at"] is not None


def test_a_second_run_joins_the_one_in_progress(server: Any, test_plugins: Any) -> None:
    first = server.client.post("/api/checks/gated_check/run?wait=false").json()
    second = server.client.post("/api/checks/gated_check/run?wait=false").json()
    assert second["run_id"] == first["run_id"] and second["joined"] is True
    waited: list[Any] = []
    waiter = threading.Thread(
        target=lambda: waited.append(server.client.post("/api/checks/gated_check/run"))
    )
    waiter.start()
    time.sleep(0.2)
    test_plugins.gate.set()
    waiter.join(10)
    assert waited[0].status_code == 200
    assert waited[0].headers["X-Autocode-Run-Id"] == first["run_id"]
    assert test_plugins.calls["gated_check"] == 1
    server.wait_for(lambda: server.client.get(first["url"]).json()["state"] == "completed")
    assert (
        server.client.post("/api/checks/gated_check/run").headers["X-Autocode-Run-Id"]
        != first["run_id"]
    )
    assert test_plugins.calls["gated_check"] == 2


def test_unknown_run_id_is_404(server: Any) -> None:
    response = server.client.get("/api/runs/0123456789abcdef")
    assert response.status_code == 404
    assert "unknown run id" in response.json()["detail"]


def test_history_is_newest_first_without_details_unless_asked(server: Any) -> None:
    for _ in range(3):
        server.client.post("/api/checks/quick_check/run").raise_for_status()
    body = server.client.get("/api/checks/quick_check/history").json()
    assert body["history_enabled"] is True
    runs = body["runs"]
    assert len(runs) == 3
    assert [r["id"] for r in runs] == sorted((r["id"] for r in runs), reverse=True)
    assert (
        "details" not in runs[0]
        and runs[0]["status"] == "warning"
        and runs[0]["duration_seconds"] >= 0
    )
    one = server.client.get("/api/checks/quick_check/history?limit=1&details=true").json()["runs"]
    assert len(one) == 1 and one[0]["details"]["counts"]["outdated"] == 2


def test_bad_query_parameters_are_422(server: Any) -> None:
    for path in [
        "/api/checks/quick_check/history?limit=0",
        "/api/checks/quick_check/history?limit=100000",
        "/api/checks/quick_check/history?limit=ten",
        "/api/checks/quick_check/history?details=maybe",
    ]:
        response = server.client.get(path)
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["loc"][0] == "query"
    assert server.client.post("/api/checks/quick_check/run?wait=perhaps").status_code == 422


def test_a_plugin_that_failed_to_load_is_listed_with_its_error(
    make_server: Any, test_plugins: Any
) -> None:
    server = make_server(plugins=[*test_plugins.default, test_plugins.broken])
    checks = {c["name"]: c for c in server.client.get("/api/checks").json()["checks"]}
    broken = checks["broken_check"]
    assert broken["loaded"] is False and broken["plugin"]["status"] == "failed"
    assert broken["result"]["status"] == "error"
    response = server.client.post("/api/checks/broken_check/run")
    assert response.status_code == 200
    assert "cannot describe myself" in response.json()["message"]
    assert server.client.get("/api/status").json()["failed_plugins"] == ["broken_check"]


def test_an_api_run_during_a_scheduled_run_says_it_joined_it(make_server: Any, test_plugins: Any) -> None:
    server = make_server({"daemon": {"gated_check": {"run_at_start": True}}})  # the scheduler runs it
    daemon = server.daemon
    server.wait_for(lambda: daemon.run_in_progress("gated_check") is not None)
    handle = daemon.run_in_progress("gated_check")
    answer = server.client.post("/api/checks/gated_check/run?wait=false").json()
    assert answer["joined"] is True and answer["run_id"] == handle.id  # the truth (issue 14, item 8)
    running = server.client.get("/api/checks/gated_check").json()
    assert running["running"] is True and running["run"]["run_id"] == handle.id
    assert running["run"]["trigger"] == "schedule"
    test_plugins.gate.set()
    server.wait_for(lambda: server.client.get(answer["url"]).json()["state"] == "completed")
    assert test_plugins.calls["gated_check"] == 1


def _sleepy() -> Any:
    import anyio

    from autocode_core import CheckPlugin, CheckResult

    class Sleepy(CheckPlugin):
        """Awaits 30 s unless cancelled."""

        name = "sleepy_check"
        interval_minutes = 60

        async def execute(self, context: Any) -> CheckResult:
            await anyio.sleep(30)
            return CheckResult(status="success", message="woke up")

    return Sleepy


def test_cancel_ends_a_real_running_check_with_an_error_result(make_server: Any) -> None:
    server = make_server({"api": {"token": "t0ken"}}, plugins=[_sleepy()])
    auth = {"Authorization": "Bearer t0ken"}
    started = server.client.post("/api/checks/sleepy_check/run?wait=false", headers=auth)
    assert started.status_code == 202
    server.wait_for(lambda: server.daemon.snapshot(history=False).checks["sleepy_check"].running)
    assert server.client.post("/api/checks/sleepy_check/cancel").status_code == 401
    began = time.monotonic()
    answer = server.client.post(
        "/api/checks/sleepy_check/cancel", params={"reason": "stopped by hand"}, headers=auth
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["cancelled"] is True and body["check_name"] == "sleepy_check"
    assert body["run_id"]
    run = server.client.get(f"/api/runs/{started.json()['run_id']}")
    server.wait_for(
        lambda: server.client.get(f"/api/runs/{started.json()['run_id']}").json()["state"]
        != "running"
    )
    assert time.monotonic() - began < 5
    result = server.daemon.results["sleepy_check"]
    assert result.status == "error"
    assert result.details.get("failure") == "cancelled"
    assert "stopped by hand" in result.message
    assert run.status_code == 200
    again = server.client.post("/api/checks/sleepy_check/cancel", headers=auth)
    assert again.status_code == 409
    assert again.json()["detail"] == "sleepy_check is not running: nothing to cancel"


def test_cancel_of_an_unknown_check_is_404(server: Any) -> None:
    response = server.client.post("/api/checks/nope/cancel")
    assert response.status_code == 404
    assert "quick_check" in response.json()["known"]


def test_status_carries_every_card_in_one_request(server: Any) -> None:
    server.client.post("/api/checks/gated_check/run?wait=false").raise_for_status()
    server.wait_for(lambda: server.daemon.snapshot(history=False).checks["gated_check"].running)
    server.client.post("/api/scheduler/tasks/quick_check/pause").raise_for_status()
    body = server.client.get("/api/status").json()
    entries = {e["name"]: e for e in body["entries"]}
    assert set(entries) == {"async_check", "gated_check", "quick_check"}
    assert entries["gated_check"]["running"] is True
    assert entries["gated_check"]["run"]["started_at"]
    assert entries["quick_check"]["paused"] is True
    assert entries["quick_check"]["saved"]["paused"] is True
    assert "result" not in entries["quick_check"]
    assert body["daemon"]["taken_at"]
