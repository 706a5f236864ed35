"""Telling async callables from sync ones."""

from __future__ import annotations

import functools

from autocode_core.plugin.calling import is_async_callable


async def coro_fn() -> None:
    pass


def sync_fn() -> None:
    pass


class AsyncCall:
    async def __call__(self) -> None:
        pass


class SyncCall:
    def __call__(self) -> None:
        pass


class Methods:
    async def a(self) -> None:
        pass

    def s(self) -> None:
        pass


def test_async_shapes_are_recognized() -> None:
    assert is_async_callable(coro_fn)
    assert is_async_callable(functools.partial(functools.partial(coro_fn)))
    assert is_async_callable(AsyncCall())
    assert is_async_callable(Methods().a)


def test_sync_shapes_are_not() -> None:
    for obj in (sync_fn, functools.partial(sync_fn), SyncCall(), Methods().s, lambda: None):
        assert not is_async_callable(obj)
