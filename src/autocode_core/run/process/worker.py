"""A worker process: runs check plugins for the daemon, one run at a time.

Started by the process executor as ``python -m autocode_core.run.process.worker``
in a session of its own. At start it keeps its stdin and stdout for the
protocol (see ``protocol``) and points file descriptors 0 to ``/dev/null`` and
1 to 2, so neither the plugin nor anything it starts can write into the
protocol or hold the command line's stdout open: their output reaches the
daemon's logs. On Linux it becomes a child subreaper, so processes a run
leaves behind are adopted here, and after every run it ends them all.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import pickle
import sys
import traceback
from collections.abc import Mapping, MutableMapping
from functools import partial
from typing import IO, Any

import anyio
import structlog

from autocode_core.errors import PluginError
from autocode_core.models import CheckResult
from autocode_core.plugin.calling import call_hookimpl, is_async_callable
from autocode_core.plugin.loader import CheckEntry, import_target, load_plugins
from autocode_core.run.context import CheckContext
from autocode_core.run.outcome import error_result, result_from_value, sanitize_result
from autocode_core.run.process.protocol import (
    PluginRef,
    PreloadRequest,
    WorkRequest,
    read_frame_sync,
    write_frame_sync,
)
from autocode_core.run.process.tree import descendant_pids, descendants, end_tree
from autocode_core.run.processes import CheckProcesses

__all__ = ["main"]

PR_SET_CHILD_SUBREAPER = 36
_entries: dict[tuple[str, str], CheckEntry] = {}


class _Channel:
    """The protocol's write side; also the structlog processor that forwards events."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def send(self, message: dict[str, Any]) -> None:
        write_frame_sync(self.stream, json.dumps(message, default=str).encode("utf-8"))

    def __call__(self, logger: Any, method: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
        event.pop("timestamp", None)
        self.send({"type": "log", "level": method, **event})
        raise structlog.DropEvent


def _become_subreaper() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _entry(ref: PluginRef, check_name: str) -> CheckEntry:
    key = (ref.target, check_name)
    if key not in _entries:
        loaded = load_plugins(entry_points=False, plugins=[(ref.name, import_target(ref.target))], environ={})
        failed = loaded.failed
        if failed:
            raise PluginError(f"plugin {ref.label} failed to load in the worker: {failed[0].error}")
        if check_name not in loaded.checks:
            raise PluginError(f"plugin {ref.label} does not provide {check_name!r} in the worker")
        _entries[key] = loaded.checks[check_name]
    return _entries[key]


def _call(entry: CheckEntry, context: CheckContext[Any]) -> Any:
    impl = entry.execute
    if is_async_callable(impl.function):
        return anyio.run(partial(call_hookimpl, impl, context=context))
    value = call_hookimpl(impl, context=context)
    if hasattr(value, "__await__"):

        async def finish() -> Any:
            return await value

        return anyio.run(finish)
    return value


def _run(request: WorkRequest, channel: _Channel | None = None) -> CheckResult:
    ref = request.plugin
    try:
        entry = _entry(ref, request.check_name)
    except PluginError as exc:
        return error_result(request.check_name, str(exc), "plugin_error", plugin=ref.name)
    context = CheckContext(
        check_name=request.check_name,
        plugin_name=ref.name,
        project_root=request.project_root,
        settings=request.settings,
        config=request.config,
        logger=structlog.get_logger(f"autocode.check.{request.check_name}"),
        timeout_seconds=request.timeout_seconds,
        trigger=request.trigger,  # type: ignore[arg-type]
        changed_paths=request.changed_paths,
        processes=CheckProcesses(new_session=False),
        partial_reporter=None if channel is None else partial(_send_partial, channel, request.run_id),
    )
    try:
        value = _call(entry, context)
    except PluginError as exc:
        return error_result(request.check_name, str(exc), "plugin_error", plugin=ref.name)
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too: they are results
        return error_result(
            request.check_name,
            f"plugin {ref.label} raised {type(exc).__name__}: {exc}",
            "exception",
            plugin=ref.name,
            traceback="".join(traceback.format_exception(exc)[-8:]),
        )
    result = result_from_value(request.check_name, ref.label, ref.name, value)
    return sanitize_result(result.model_copy(update={"check_name": request.check_name}), ref.label, ref.name)


def _send_partial(channel: _Channel, run_id: str, result: CheckResult) -> None:
    """A partial result (``autocode_core.run.progress``) to the daemon, which relays it."""
    channel.send({"type": "partial", "run_id": run_id, "result": result.model_dump(mode="json")})


def _serve(requests: IO[bytes], channel: _Channel) -> None:
    channel.send({"type": "ready", "pid": os.getpid()})
    while (data := read_frame_sync(requests)) is not None:
        request = pickle.loads(data)
        if isinstance(request, PreloadRequest):
            for ref in request.plugins:
                with contextlib.suppress(Exception):
                    import_target(ref.target)
            continue
        assert isinstance(request, WorkRequest)
        with structlog.contextvars.bound_contextvars(check=request.check_name, plugin=request.plugin.name):
            result = _run(request, channel)
        if descendant_pids(os.getpid()):  # a run's processes end with it
            end_tree(None, descendants(os.getpid()), grace=0.2)
        channel.send({"type": "result", "run_id": request.run_id, "result": result.model_dump(mode="json")})


def main() -> None:
    """Take the protocol's pipes, then serve requests until stdin closes."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = open(1, "w", closefd=False, buffering=1)  # noqa: SIM115 - lives as long as the worker
    extra = json.loads(os.environ.get("AUTOCODE_WORKER_SYS_PATH", "[]"))
    sys.path[:0] = [p for p in extra if p not in sys.path]
    _become_subreaper()
    channel = _Channel(replies)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            channel,
        ],
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    _serve(requests, channel)


if __name__ == "__main__":
    main()
