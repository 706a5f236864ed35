"""What the daemon puts on the wire: the check's queue, Celery time limits from its
timeout, and no secret of its configuration (read back from the real Redis)."""

from __future__ import annotations

import json

import anyio
import pytest
import redis
from autocode_celery.executor import SOFT_LIMIT_MARGIN, CeleryExecutor
from autocode_celery.settings import CelerySettings

from autocode_core.config.models import AutocodeConfig
from autocode_core.plugin.loader import load_plugins
from autocode_core.run.executor import ExecutorSetup, RunJob

from .conftest import SlowCheck

pytestmark = [pytest.mark.redis, pytest.mark.anyio]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_the_message_carries_time_limits_and_no_secret(redis_server, tmp_path) -> None:
    config = AutocodeConfig.model_validate({
        "api": {"token": "api-token-1"},
        "notifications": {"webhook_url": "https://h/hook-secret-2"},
        "celery": {"broker_url": redis_server.url, "queues": {"slow_check": "big-only"},
                   "hard_limit_grace_seconds": 7},
    })
    entry = load_plugins(entry_points=False, plugins=[SlowCheck]).checks["slow_check"]
    executor = CeleryExecutor.from_setup(ExecutorSetup(config, (entry,), serving=False))
    job = RunJob("run-wire", entry, tmp_path, config, None, 12.0, None, "api")
    with anyio.move_on_after(1.0):  # nobody consumes "big-only": the run waits, then is cancelled
        await executor.execute(job)
    executor.close()
    client = redis.Redis.from_url(redis_server.url)
    (raw,) = client.lrange("big-only", 0, -1)
    client.delete("big-only")
    client.close()
    message = json.loads(raw)
    assert message["headers"]["id"] == "run-wire"
    assert message["headers"]["timelimit"] == [12.0 + SOFT_LIMIT_MARGIN + 7, 12.0 + SOFT_LIMIT_MARGIN]
    assert "api-token-1" not in raw.decode() and "hook-secret-2" not in raw.decode()


def test_invalid_settings_make_error_results_naming_the_key() -> None:
    executor = CeleryExecutor.from_setup(ExecutorSetup(AutocodeConfig(celery={"queue_wait_seconds": -1}), (), False))
    assert executor.settings is None
    assert "celery.queue_wait_seconds" in (executor.config_problem or "")


def test_settings_defaults() -> None:
    settings = CelerySettings(broker_url="redis://h/1")
    assert settings.backend == "redis://h/1" and settings.queue_for("x") == "autocode"


def test_the_entry_point_defers_celery_until_a_run_is_sent() -> None:
    from autocode_celery.factory import DeferredCeleryExecutor, make_executor

    executor = make_executor(ExecutorSetup(AutocodeConfig(), (), False))
    assert isinstance(executor, DeferredCeleryExecutor) and executor.real is None
    assert executor.problem() is None and executor.counters() == {}
    executor.close()
