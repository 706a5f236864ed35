"""Telling async callables from sync ones (plain functions, methods, partials, objects)."""

from __future__ import annotations

import functools
import inspect
from typing import Any

__all__ = ["is_async_callable"]


def is_async_callable(obj: Any) -> bool:
    """True if calling ``obj`` returns a coroutine: ``async def`` functions and
    methods, ``functools.partial`` of them, and objects with an ``async def __call__``."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or (
        callable(obj) and inspect.iscoroutinefunction(getattr(obj, "__call__", None))
    )
