"""``FileWatcher``: the daemon's file-watching service.

Watches the project root with ``watchfiles.awatch`` (Rust ``notify``
underneath; anyio, so asyncio and trio alike), groups changes (``debounce``:
a group ends after ``daemon.watch.quiet_ms`` without a change, or
``max_wait_ms`` after its first), drops what may never run a check (``ignore``), and hands the rest
to the ``ChangeDispatcher`` (each check's ``watch`` patterns and ``on_busy``
policy). Schedules keep running beside it as a safety net.

It survives:

* the project folder being deleted: it says so (``watch_paused``, state
  ``paused``), waits for the folder to come back, says so again
  (``watch_resumed``) and runs every watched check once in full, since what
  changed meanwhile is unknown;
* the operating system's watch limit (``fs.inotify.max_user_watches``): a
  warning naming the limit and the fix, then polling (``force_polling``);
  ``daemon.watch.force_polling = true`` polls from the start.

Floods of events (a checkout rewriting thousands of files may overflow the
kernel's event queue) are met three ways: a batch waits while git holds
``.git/index.lock``; a new folder's files are listed from the disk (its
watch came too late for them); and ``.git/HEAD`` is reported whenever HEAD or
its branch moved since the last batch, whatever the events said.

Stopping (the daemon cancels its services) ends the watch within one quiet
period: the Rust watcher's thread is told to stop before the task waits for it.
"""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import structlog
from anyio.abc import TaskStatus
from watchfiles import Change, awatch

from autocode_core.models import utc_now
from autocode_core.watch.debounce import debounce
from autocode_core.watch.dispatch import ChangeDispatcher, WatchedDaemon
from autocode_core.watch.ignore import ChangeFilter, GitIgnore, relative_path
from autocode_core.watch.limits import WATCH_LIMIT_HINT, is_watch_limit_error
from autocode_core.watch.status import WatchStatus

__all__ = ["AwatchFunction", "FileWatcher", "watch_files"]

log = structlog.get_logger("autocode.watch")

#: how often the root folder's existence (and identity) is checked while watching or paused
ROOT_POLL_SECONDS = 0.5
#: the Rust watcher's own grouping step (ms; at most the quiet period): it adds 1 to 2 steps
#: before a batch reaches ``debounce``, which then waits the quiet period, and wakes the
#: watcher's thread once per step while idle (20 ms: about 0.3 % of a core)
RUST_STEP_MS = 20
#: the longest a batch waits for git to finish rewriting files (a stale index.lock)
GIT_LOCK_WAIT_SECONDS = 60.0
#: after an unexpected watch error, wait this long before watching again
RETRY_SECONDS = 5.0

#: ``watchfiles.awatch`` or a function with its signature
AwatchFunction = Callable[..., AsyncIterator[set[tuple[Change, str]]]]


def _identity(root: Path) -> tuple[int, int] | None:
    try:
        stat = root.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino) if root.is_dir() else None


class FileWatcher:
    """Watches a daemon's project and runs the checks whose files changed.

    :param daemon: the ``AutocodeDaemon`` (its configuration is read live).
    :param awatch_function: ``watchfiles.awatch`` (replaceable to simulate errors).
    """

    def __init__(self, daemon: Any, *, awatch_function: AwatchFunction = awatch) -> None:
        self.daemon = daemon
        self.root = Path(daemon.project_root).resolve()
        self.dispatcher = ChangeDispatcher(daemon)
        self.gitignore = GitIgnore(self.root)
        self._awatch = awatch_function
        self._status = WatchStatus(root=str(self.root))
        self._head = self._read_head()

    def _read_head(self) -> tuple[str, str] | None:
        """``.git/HEAD`` and the commit its branch points at (``None`` outside a plain git folder)."""
        git = self.root / ".git"
        try:
            head = (git / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return None
        ref = head.removeprefix("ref: ").strip() if head.startswith("ref: ") else None
        try:
            target = (git / ref).read_text(encoding="utf-8", errors="replace").strip() if ref else head
        except OSError:
            target = ""  # a packed ref: HEAD's text still says which branch
        return head, target

    @property
    def status(self) -> WatchStatus:
        """What the watcher does now (with the number of runs it started)."""
        return self._status.model_copy(update={"runs_started": self.dispatcher.runs_started})

    def _set(self, **changes: Any) -> None:
        self._status = self._status.model_copy(update=changes)

    def change_filter(self) -> ChangeFilter:
        """The first-stage filter for the configuration as it is now."""
        outputs = [path for paths in self.daemon.project.resolved.outputs().values() for path in paths]
        return ChangeFilter(self.root, self.daemon.config.daemon.state_dir, outputs)

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Watch until cancelled; ready (``task_status.started()``) once the dispatcher runs."""
        try:
            async with anyio.create_task_group() as group:
                await group.start(self.dispatcher.run)
                task_status.started()
                await self._supervise()
                group.cancel_scope.cancel()
        finally:
            await self.gitignore.aclose()
            self._set(state="stopped")
            log.info("watch_stopped", root=str(self.root))

    async def _supervise(self) -> None:
        settings = self.daemon.config.daemon.watch
        polling = "daemon.watch.force_polling is set" if settings.force_polling else None
        gone = False
        while True:
            if _identity(self.root) is None:
                if not gone:
                    message = "the project folder is gone; watching resumes when it is back"
                    log.warning("watch_paused", root=str(self.root), reason=message)
                    self._set(state="paused", message=message, files=None)
                    gone = True
                await anyio.sleep(ROOT_POLL_SECONDS)
                continue
            if gone:
                gone = False
                checks = self.dispatcher.offer_all()
                log.warning("watch_resumed", root=str(self.root), full_runs=checks)
            try:
                await self._session(polling)
            except OSError as exc:
                if polling is None and is_watch_limit_error(exc):
                    log.warning("watch_limit_reached", root=str(self.root), error=str(exc), hint=WATCH_LIMIT_HINT)
                    polling = WATCH_LIMIT_HINT
                    continue
                if _identity(self.root) is None:
                    continue
                await self._failed(exc)
            except Exception as exc:  # noqa: BLE001  (a watcher fault must not stop the daemon)
                await self._failed(exc)

    async def _failed(self, exc: BaseException) -> None:
        log.error("watch_failed", root=str(self.root), error=repr(exc), retry_seconds=RETRY_SECONDS, exc_info=exc)
        self._set(message=f"watching failed ({exc!r}); retrying in {RETRY_SECONDS:g} s")
        await anyio.sleep(RETRY_SECONDS)

    async def _session(self, polling: str | None) -> None:
        """Watch until the root folder disappears or is replaced."""
        identity = _identity(self.root)
        settings = self.daemon.config.daemon.watch
        stop = anyio.Event()
        files = await self._count_files()
        self._set(state="polling" if polling else "watching", files=files, message=polling)
        log.info("watch_started", root=str(self.root), files=files, polling=polling is not None)
        first = self.change_filter()
        failure: OSError | None = None
        send, receive = anyio.create_memory_object_stream[set[tuple[Change, str]]](math.inf)
        async with anyio.create_task_group() as group:
            group.start_soon(self._guard_root, identity, stop)
            group.start_soon(
                debounce, receive, self._handle, lambda: self.daemon.config.daemon.watch.quiet_ms / 1000,
                lambda: self.daemon.config.daemon.watch.batch_max_wait_ms / 1000,
            )
            try:
                with send:
                    async for changes in self._awatch(
                        self.root, watch_filter=first, debounce=settings.batch_max_wait_ms,
                        step=min(RUST_STEP_MS, settings.quiet_ms),
                        stop_event=stop, force_polling=polling is not None,
                        poll_delay_ms=settings.poll_interval_ms, ignore_permission_denied=True,
                    ):
                        send.send_nowait(changes)
            except OSError as exc:  # raised outside the group, so the caller sees it unwrapped
                failure = exc
                group.cancel_scope.cancel()
            stop.set()
        if failure is not None:
            raise failure

    async def _guard_root(self, identity: tuple[int, int] | None, stop: anyio.Event) -> None:
        """Set ``stop`` when the root goes away or is replaced, or when cancelled (so the
        watcher's thread ends at once)."""
        try:
            while _identity(self.root) == identity:
                await anyio.sleep(ROOT_POLL_SECONDS)
        finally:
            stop.set()

    async def _git_settled(self) -> None:
        """Wait while git rewrites the working tree (``.git/index.lock`` exists: a
        checkout, stash, merge), at most ``GIT_LOCK_WAIT_SECONDS``: the rest of its
        changes then arrive as one more batch, so it runs each check at most twice."""
        lock = self.root / ".git" / "index.lock"
        with anyio.move_on_after(GIT_LOCK_WAIT_SECONDS):
            while lock.exists():
                await anyio.sleep(0.05)

    async def _handle(self, changes: set[tuple[Change, str]]) -> None:
        await self._git_settled()
        keeps = self.change_filter()
        paths = {rel for _, path in changes if (rel := relative_path(self.root, path)) and keeps.keeps(rel)}
        paths -= await self.gitignore.ignored(paths)
        added = [p for change, path in changes if change == Change.added and os.path.isdir(path)
                 and (p := relative_path(self.root, path)) in paths]
        head = self._read_head()
        if head != self._head:  # a commit or checkout, even when a flood of events hid it
            self._head = head
            paths.add(".git/HEAD")
        if added:  # inotify misses files written into a folder before its watch exists
            inside = await anyio.to_thread.run_sync(self._files_under, added, keeps)
            paths |= inside - await self.gitignore.ignored(inside)
        paths = {p for p in paths if not (self.root / p).is_dir()}  # files (and deleted paths) only
        if not paths:
            return
        taken = self.dispatcher.offer(paths)
        self._set(
            batches=self._status.batches + 1, changed_paths=self._status.changed_paths + len(paths),
            last_change_at=utc_now(),
        )
        log.debug("watch_batch", paths=len(paths), checks=taken)

    def _files_under(self, folders: list[str], keeps: ChangeFilter) -> set[str]:
        """Every file under the new ``folders`` that the first stage keeps."""
        found: set[str] = set()
        for folder in folders:
            for current, dirs, names in os.walk(self.root / folder):
                rel = relative_path(self.root, current) or ""
                dirs[:] = [d for d in dirs if keeps.keeps(f"{rel}/{d}")]
                found.update(f"{rel}/{n}" for n in names if keeps.keeps(f"{rel}/{n}"))
        return found

    async def _count_files(self) -> int | None:
        """Files watched: those git does not ignore (or every file outside git)."""
        if (self.root / ".git").exists():
            try:
                done = await anyio.run_process(
                    ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                    cwd=self.root, check=False,
                )
            except OSError:
                return None
            return done.stdout.count(b"\0") if done.returncode == 0 else None

        def walk() -> int:
            skip = {".git", self.daemon.config.daemon.state_dir}
            count = 0
            for _folder, dirs, names in os.walk(self.root):
                dirs[:] = [d for d in dirs if d not in skip]
                count += len(names)
            return count

        return await anyio.to_thread.run_sync(walk)


async def watch_files(
    daemon: WatchedDaemon, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    """A daemon service (``AutocodeDaemon(services=[watch_files])``) watching its project."""
    await FileWatcher(daemon).run(task_status=task_status)
