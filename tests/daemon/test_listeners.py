"""Listener isolation, without a daemon."""

from __future__ import annotations

import time

import anyio
import pytest

from autocode_core import CheckResult, hookimpl
from autocode_core.daemon.listeners import ListenerDispatcher
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio

RESULT = CheckResult(check_name="c", status="error", message="m")


class Good:
    def __init__(self) -> None:
        self.got = []

    @hookimpl
    def on_check_completed(self, check_name, result):
        self.got.append((check_name, result.status))


class Bad:
    @hookimpl
    async def on_check_completed(self):
        raise ValueError("listener bug")


class Hangs:
    @hookimpl
    def on_check_completed(self):
        time.sleep(5)


def dispatcher(*plugins, timeout=0.3) -> ListenerDispatcher:
    h = AutocodeHarness()
    for i, plugin in enumerate(plugins):
        h.register(plugin, f"p{i}")
    loaded = h.load()
    return ListenerDispatcher([pair for pair in loaded.listeners() if pair[0].name != "notifications"], timeout)


async def test_call_all_isolates_raising_and_hanging_listeners() -> None:
    good = Good()
    d = dispatcher(Bad(), Hangs(), good)
    started = time.monotonic()
    await d.call_all("c", RESULT)
    assert time.monotonic() - started < 2
    assert good.got == [("c", "error")]
    assert d.failures == {"p0": 1, "p1": 1}


async def test_serve_delivers_in_order_and_drains_on_close() -> None:
    good = Good()
    d = dispatcher(good)
    async with anyio.create_task_group() as tg:
        await tg.start(d.serve)
        for i in range(5):
            assert d.publish(f"c{i}", RESULT)
        d.close()
    assert [name for name, _ in good.got] == ["c0", "c1", "c2", "c3", "c4"]
    assert not d.serving and d.publish("late", RESULT) is False
