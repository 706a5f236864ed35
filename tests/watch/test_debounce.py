"""``debounce``: batches grouped by a quiet period, with a maximum wait."""

from __future__ import annotations

import math

import anyio
import pytest

from autocode_core.watch.debounce import debounce

pytestmark = pytest.mark.anyio


async def _groups(feed, quiet: float, max_wait: float) -> list[tuple[float, set[int]]]:
    send, receive = anyio.create_memory_object_stream[set[int]](math.inf)
    groups: list[tuple[float, set[int]]] = []
    started = anyio.current_time()

    async def hand_over(group: set[int]) -> None:
        groups.append((anyio.current_time() - started, group))

    async with anyio.create_task_group() as tg:
        tg.start_soon(debounce, receive, hand_over, lambda: quiet, lambda: max_wait)
        with send:
            await feed(send)
    return groups


async def test_batches_close_together_become_one_group_after_the_quiet_period() -> None:
    async def feed(send) -> None:
        for i in range(4):
            send.send_nowait({i})
            await anyio.sleep(0.01)
        await anyio.sleep(0.3)

    groups = await _groups(feed, quiet=0.1, max_wait=5)
    assert [g for _, g in groups] == [{0, 1, 2, 3}]
    assert 0.12 <= groups[0][0] < 0.3


async def test_a_constant_stream_is_cut_at_the_maximum_wait() -> None:
    async def feed(send) -> None:
        for i in range(40):
            send.send_nowait({i})
            await anyio.sleep(0.01)

    groups = await _groups(feed, quiet=0.1, max_wait=0.1)
    assert len(groups) >= 2
    assert set().union(*(g for _, g in groups)) == set(range(40))


async def test_what_is_pending_when_the_stream_ends_is_handed_over() -> None:
    async def feed(send) -> None:
        send.send_nowait({1})

    groups = await _groups(feed, quiet=10, max_wait=10)
    assert [g for _, g in groups] == [{1}]
