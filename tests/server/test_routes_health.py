"""Liveness, readiness and /metrics through a real server."""

from __future__ import annotations

import re
from typing import Any


def test_live_is_200(server: Any) -> None:
    response = server.client.get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "alive"}


def test_ready_when_everything_is_fine(server: Any) -> None:
    response = server.client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "reasons": []}


def test_degraded_not_unready_when_a_plugin_failed_to_load(make_server: Any, test_plugins: Any) -> None:
    # every other check works: 200 "degraded" with the reason, not 503 forever (issue 14, item 10)
    server = make_server(plugins=[*test_plugins.default, test_plugins.broken])
    response = server.client.get("/health/ready")
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    [reason] = response.json()["reasons"]
    assert "plugin broken_check failed to load" in reason and "cannot describe myself" in reason


def test_not_ready_when_the_scheduler_stopped(server: Any) -> None:
    server.daemon.scheduler.stop()
    server.wait_for(lambda: not server.daemon.scheduler.is_running())
    response = server.client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["reasons"] == ["scheduler is not running"]


def test_not_ready_when_the_state_folder_is_not_writable(server: Any) -> None:
    state = server.daemon.project_root / ".autocode"
    state.rename(state.with_name("moved"))
    state.write_text("not a folder")
    response = server.client.get("/health/ready")
    assert response.status_code == 503
    [reason] = response.json()["reasons"]
    assert reason.startswith(f"state folder {state} is not writable")


SAMPLE = re.compile(r'^[a-z_]+(\{([a-z_]+="[^"]*",?)*\})? [-+0-9.eEInfNa]+$')


def test_metrics_in_prometheus_text_format(server: Any) -> None:
    server.client.post("/api/checks/quick_check/run").raise_for_status()
    server.client.post("/api/checks/async_check/run").raise_for_status()
    response = server.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = response.text.splitlines()
    for line in lines:
        assert line.startswith(("# HELP ", "# TYPE ")) or SAMPLE.match(line), line
    text = response.text
    assert "autocode_daemon_running 1" in lines
    assert "autocode_daemon_check_runs_total 2" in lines
    assert 'autocode_check_runs_total{check="quick_check",status="warning"} 1' in lines
    assert 'autocode_check_runs_total{check="quick_check",status="success"} 0' in lines
    assert 'autocode_check_runs_total{check="gated_check",status="error"} 0' in lines
    assert 'autocode_check_duration_seconds_count{check="async_check"} 1' in lines
    assert 'autocode_check_status{check="quick_check",status="warning"} 1' in lines
    assert 'autocode_check_enabled{check="gated_check"} 1' in lines
    assert re.search(
        r'^autocode_check_last_success_timestamp_seconds\{check="async_check"\} 1\d{9}',
        text,
        re.MULTILINE,
    )
    assert 'autocode_check_last_success_timestamp_seconds{check="quick_check"}' not in text
    assert re.search(r"^autocode_daemon_memory_bytes \d", text, re.MULTILINE)
    assert re.search(r"^autocode_daemon_uptime_seconds \d", text, re.MULTILINE)
    assert "# TYPE autocode_check_runs_total counter" in lines


def test_metrics_parse_with_prometheus_clients_own_parser(server: Any) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    server.client.post("/api/checks/quick_check/run").raise_for_status()
    text = server.client.get("/metrics", headers={"Accept-Encoding": "gzip"}).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    runs = families["autocode_check_runs"]  # the parser drops a counter's _total suffix
    assert runs.type == "counter"
    samples = {
        (s.labels["check"], s.labels["status"]): s.value
        for s in runs.samples
        if s.name == "autocode_check_runs_total"
    }
    assert samples[("quick_check", "warning")] == 1.0
    assert samples[("gated_check", "error")] == 0.0
    assert families["autocode_daemon_running"].samples[0].value == 1.0
    durations = families["autocode_check_duration_seconds"]
    assert any(s.name.endswith("_count") and s.value == 1.0 for s in durations.samples)
