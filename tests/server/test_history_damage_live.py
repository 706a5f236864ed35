"""A history damaged while the daemon serves: ``/metrics`` and the API keep
answering, the file is moved aside, the next runs are recorded afresh."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

from autocode_core.models import CheckResult
from autocode_core.store.history import HistoryStore

ENTRIES = [{"doc_path": f"docs/m{j}.md", "status": "outdated"} for j in range(12)]


def test_metrics_survive_a_history_damaged_while_serving(server: Any) -> None:
    assert server.client.post("/api/checks/quick_check/run").status_code == 200
    path = server.daemon.project.history_path
    other = HistoryStore(path, max_runs_per_check=100_000)  # as a CLI run would, meanwhile
    for i in range(2000):
        other.record(CheckResult(check_name="async_check", status="success", message=f"run {i}",
                                 details={"entries": ENTRIES}))
    other.close()
    assert server.client.get("/metrics").status_code == 200
    size = path.stat().st_size
    rng = random.Random(5)
    with path.open("r+b") as handle:
        for fraction in (1 / 3, 1 / 2):
            handle.seek(int(size * fraction))
            handle.write(rng.randbytes(8192))
    writer = sqlite3.connect(path)  # another connection commits: the daemon's cached pages go stale
    writer.execute("PRAGMA user_version = 2")
    writer.commit()
    writer.close()
    for endpoint in ("/metrics", "/api/status", "/api/checks", "/api/checks/async_check/history"):
        response = server.client.get(endpoint)
        assert response.status_code == 200, (endpoint, response.text)
    moved = [p for p in path.parent.glob("history.db.unreadable-*") if p.name[-4:] not in ("-wal", "-shm")]
    assert len(moved) == 1
    store = server.daemon.store.history
    assert store is not None and store.health.ok and store.health.recovered_from == moved[0]
    assert server.client.post("/api/checks/quick_check/run").status_code == 200
    assert [r.check_name for r in store.list_runs()] == ["quick_check"]
