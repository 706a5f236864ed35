"""``CheckIgnoreProcess``: one long-lived ``git check-ignore`` answering batch after batch.

``git check-ignore --stdin -z --verbose --non-matching`` answers every path
it reads with one record (``source NUL line NUL pattern NUL path NUL``) and
flushes after each, so one process serves the whole watch: no process start
per batch. A path is ignored when its record names a pattern that is not a
negation (``!keep.log`` re-includes). git reads each ``.gitignore`` once, so
the process must be restarted (``aclose``; the next ``ask`` starts another)
when one changes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import anyio
from anyio.abc import Process

__all__ = ["CheckIgnoreError", "CheckIgnoreProcess"]

#: the longest one batch may take to be answered before the process is given up
ANSWER_TIMEOUT_SECONDS = 30.0


class CheckIgnoreError(OSError):
    """The git process could not answer (not a repository, exited, too slow): fall back."""


class CheckIgnoreProcess:
    """``git check-ignore`` in ``root``, started on first use; not safe for concurrent ``ask``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: Process | None = None

    async def ask(self, paths: list[str]) -> set[str]:
        """The paths of ``paths`` (project-relative, no NUL) that git ignores.

        :raises CheckIgnoreError: the process failed; call ``aclose`` and fall back.
        """
        try:
            return await self._ask(paths)
        except (OSError, TimeoutError, anyio.EndOfStream, anyio.BrokenResourceError, ExceptionGroup) as exc:
            raise CheckIgnoreError(f"git check-ignore failed in {self.root}: {exc!r}") from exc

    async def _ask(self, paths: list[str]) -> set[str]:
        if self._process is None:
            self._process = await anyio.open_process(
                ["git", "check-ignore", "--stdin", "-z", "--verbose", "--non-matching"],
                cwd=self.root, stderr=subprocess.DEVNULL,
            )
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout
        ignored: set[str] = set()
        fields: list[bytes] = []
        rest = b""
        answered = 0

        async def write() -> None:
            await stdin.send(b"".join(p.encode() + b"\0" for p in paths))

        with anyio.fail_after(ANSWER_TIMEOUT_SECONDS):
            async with anyio.create_task_group() as group:
                group.start_soon(write)  # while reading: a big batch must not fill both pipes
                while answered < len(paths):
                    parts = (rest + await stdout.receive()).split(b"\0")
                    rest = parts.pop()
                    fields.extend(parts)
                    while len(fields) >= 4:
                        source, _line, pattern, path = fields[:4]
                        del fields[:4]
                        answered += 1
                        if source and not pattern.startswith(b"!"):
                            ignored.add(path.decode(errors="replace"))
        return ignored

    async def aclose(self) -> None:
        """End the process (if any); the next ``ask`` starts a new one."""
        process, self._process = self._process, None
        if process is None:
            return
        with anyio.CancelScope(shield=True):
            with anyio.move_on_after(2) as waited:
                try:
                    if process.stdin is not None:
                        await process.stdin.aclose()  # end of input: git exits
                except (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
                    pass
                await process.wait()
            if waited.cancelled_caught:
                process.kill()
            await process.aclose()  # its pipes closed, its exit awaited
