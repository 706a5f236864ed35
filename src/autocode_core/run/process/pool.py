"""``WorkerProcess``: the daemon's handle on one worker process.

Spawned with ``anyio.open_process`` in a session of its own (its process group
is its pid), with the daemon's ``sys.path``. Its stderr (where the plugin's
prints, stdlib logging and child processes' output go) is read line by line
and logged as ``check_output`` with the check it is running.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from collections import deque
from typing import Any

import anyio
import structlog
from anyio.abc import Process, TaskGroup
from anyio.streams.buffered import BufferedByteReceiveStream
from anyio.streams.text import TextReceiveStream

from autocode_core.run.process.protocol import frame, read_frame
from autocode_core.run.process.tree import descendants, end_tree, tree_rss_bytes

__all__ = ["WorkerProcess"]

log = structlog.get_logger("autocode.worker")
MAX_OUTPUT_LINE = 4000
TAIL_LINES = 20
WORKER_MODULE = "autocode_core.run.process.worker"


class WorkerProcess:
    """One worker: send it requests, read its messages, measure and end its process tree."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.pid = process.pid
        self.runs = 0
        self.current: tuple[str, str] | None = None  # (check, plugin) while it runs one
        self.output_tail: deque[str] = deque(maxlen=TAIL_LINES)  # its last lines of output
        assert process.stdout is not None
        self._replies = BufferedByteReceiveStream(process.stdout)

    @classmethod
    async def spawn(cls, group: TaskGroup, startup_timeout: float = 60.0) -> WorkerProcess:
        """Start a worker and wait until it says it is ready.

        :raises OSError: it could not be started.
        :raises RuntimeError: it exited or did not answer in time.
        """
        env = {**os.environ, "AUTOCODE_WORKER_SYS_PATH": json.dumps(sys.path), "PYTHONUNBUFFERED": "1"}
        process = await anyio.open_process(
            [sys.executable, "-m", WORKER_MODULE], env=env, start_new_session=True
        )
        worker = cls(process)
        group.start_soon(worker._relay_output, name=f"autocode worker {process.pid} output")
        try:
            with anyio.fail_after(startup_timeout):
                message = await worker.receive()
        except (TimeoutError, anyio.EndOfStream, anyio.IncompleteRead, ValueError) as exc:
            await worker.end()
            await anyio.sleep(0.05)  # let the output relay read its last lines
            tail = " | ".join(worker.output_tail)
            raise RuntimeError(f"the worker process did not start ({exc!r}): {tail}") from exc
        if message.get("type") != "ready":
            await worker.end()
            raise RuntimeError(f"the worker process said {message!r} instead of ready")
        return worker

    async def send(self, request: object) -> None:
        """Send one request (pickled).

        :raises anyio.BrokenResourceError: the worker is gone.
        """
        assert self.process.stdin is not None
        await self.process.stdin.send(frame(pickle.dumps(request)))

    async def receive(self) -> dict[str, Any]:
        """The worker's next message.

        :raises anyio.EndOfStream, anyio.IncompleteRead: the worker is gone.
        """
        return await read_frame(self._replies)

    def rss_bytes(self) -> int:
        """Resident memory of the worker and everything it started."""
        return tree_rss_bytes(self.pid)

    async def end(self, grace: float = 0.3) -> int:
        """End the worker and its whole process tree (SIGTERM, ``grace``, SIGKILL); idempotent.

        :return: how many processes of the tree besides the worker were alive.
        """
        tree = descendants(self.pid)  # the worker itself ends with its group; anyio reaps it
        with anyio.CancelScope(shield=True):
            alive = await anyio.to_thread.run_sync(end_tree, self.pid, tree, grace)
            with anyio.move_on_after(grace + 1):
                await self.process.wait()
            await self.process.aclose()
        return alive

    async def exit_code(self, wait: float = 1.0) -> int | None:
        """The worker's exit code, waiting up to ``wait`` seconds for it to end."""
        with anyio.move_on_after(wait):
            await self.process.wait()
        return self.process.returncode

    async def _relay_output(self) -> None:
        stream = self.process.stderr
        if stream is None:
            return
        buffer = ""
        try:
            async for chunk in TextReceiveStream(stream, errors="replace"):
                buffer += chunk
                *lines, buffer = buffer.split("\n")
                for line in lines:
                    self._log_line(line)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        if buffer:
            self._log_line(buffer)

    def _log_line(self, line: str) -> None:
        if not line.strip():
            return
        self.output_tail.append(line[:MAX_OUTPUT_LINE])
        check, plugin = self.current or (None, None)
        log.info("check_output", check=check, plugin=plugin, worker_pid=self.pid, line=line[:MAX_OUTPUT_LINE])
