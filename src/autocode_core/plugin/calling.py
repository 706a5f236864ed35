"""Calling plugin code: one hook implementation with its opt-in arguments, and
telling async callables from sync ones (plain functions, methods, partials, objects)."""

from __future__ import annotations

import functools
import inspect
from typing import Any

import pluggy

__all__ = ["call_hookimpl", "is_async_callable"]


def is_async_callable(obj: Any) -> bool:
    """True if calling ``obj`` returns a coroutine: ``async def`` functions and
    methods, ``functools.partial`` of them, and objects with an ``async def __call__``."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or (
        callable(obj) and inspect.iscoroutinefunction(type(obj).__call__)
    )


def call_hookimpl(impl: pluggy.HookImpl, **kwargs: Any) -> Any:
    """Call one implementation with the arguments it asks for (pluggy's opt-in
    arguments); arguments it declares with a default are passed by keyword when given."""
    optional = {name: kwargs[name] for name in impl.kwargnames if name in kwargs}
    return impl.function(*(kwargs[name] for name in impl.argnames), **optional)
