"""A daemon on a shared PostgreSQL history: the runs that wait in memory during an
outage get one last, bounded write when the daemon stops."""

from __future__ import annotations

import anyio
import psycopg
import pytest
from structlog.testing import capture_logs

from autocode_core import CheckPlugin, CheckResult
from autocode_core.store import history_postgres
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.postgres


class Quick(CheckPlugin):
    name = "quick_check"
    interval_minutes = 60

    def execute(self, context):
        return CheckResult(status="success", message="ok")


def test_stopping_the_daemon_writes_the_runs_an_outage_kept_in_memory(postgres_server, tmp_path, monkeypatch) -> None:
    url = postgres_server.create_database("daemon_stop_flush")
    monkeypatch.setattr(history_postgres, "RETRY_SECONDS", 3600.0)  # no retry before the stop
    harness = AutocodeHarness()
    harness.register(Quick)
    daemon = harness.daemon(tmp_path, {"history": {"url": url, "project": "shop"}, "daemon": {"run_at_start": False}})

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            await tg.start(daemon.run)
            postgres_server.stop()
            try:
                await daemon.run_check("quick_check")  # the database is away: the run waits in memory
                assert not daemon.store.opened_history.health.ok
            finally:
                postgres_server.start()
            daemon.stop()

    with capture_logs() as logs:
        anyio.run(main)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT project, check_name FROM runs").fetchall() == [("shop", "quick_check")]
    assert [e["runs"] for e in logs if e["event"] == "history_queue_flushed"] == [1]
