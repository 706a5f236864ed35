"""``debounce``: grouping batches of changes into one hand-over.

The Rust watcher reports changes in small batches (it checks every few
milliseconds); ``debounce`` unites them until no batch came for the quiet
period (``daemon.watch.quiet_ms``), or until the maximum wait
(``max_wait_ms``) after the group's first batch, so a constant stream of
changes still runs checks. The quiet period starts at the last batch, so an
edit is handed over about ``quiet_ms`` after it was written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream

__all__ = ["debounce"]

T = TypeVar("T")


async def debounce(
    batches: MemoryObjectReceiveStream[set[T]],
    hand_over: Callable[[set[T]], Awaitable[None]],
    quiet_seconds: Callable[[], float],
    max_wait_seconds: Callable[[], float],
) -> None:
    """Read ``batches`` until the stream ends, calling ``hand_over`` with each group.

    ``quiet_seconds`` and ``max_wait_seconds`` are read for every group (the
    configuration may change); a maximum wait below the quiet period is the
    quiet period. Batches that arrive while ``hand_over`` runs form the next
    group. What is pending when the stream ends is handed over.
    """
    async with batches:
        async for first in batches:
            group = set(first)
            quiet = quiet_seconds()
            deadline = anyio.current_time() + max(max_wait_seconds(), quiet)
            ended = False
            while True:
                wait = min(quiet, deadline - anyio.current_time())
                if wait <= 0:
                    break
                with anyio.move_on_after(wait):
                    try:
                        group |= await batches.receive()
                    except anyio.EndOfStream:
                        ended = True
                    else:
                        continue
                break
            await hand_over(group)
            if ended:
                return
