"""open_history: SQLite by default, PostgreSQL for a postgresql:// history.url."""

from __future__ import annotations

import pytest

from autocode_core.config.models import HistoryConfig
from autocode_core.store.history import HistoryStore
from autocode_core.store.history_backend import open_history
from autocode_core.store.history_postgres import PostgresHistory


def test_sqlite_is_the_default(tmp_path) -> None:
    store = open_history(HistoryConfig(max_runs_per_check=7), tmp_path / "h.db", "shop")
    assert isinstance(store, HistoryStore)
    assert (store.path, store.project, store.max_runs_per_check) == (tmp_path / "h.db", "shop", 7)
    store.close()


@pytest.mark.postgres
def test_a_postgres_url_opens_the_shared_history(postgres_url, tmp_path) -> None:
    store = open_history(HistoryConfig(url=postgres_url, outage_queue=5), tmp_path / "h.db", "shop")
    assert isinstance(store, PostgresHistory)
    assert store.project == "shop" and store.pending.maxlen == 5
    assert not (tmp_path / "h.db").exists()
    store.close()
