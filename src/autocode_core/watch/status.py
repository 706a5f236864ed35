"""``WatchStatus``: what the file watcher is doing, for the snapshot and every view."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["WatchState", "WatchStatus"]

#: ``watching``: operating-system notifications; ``polling``: stat every ``poll_interval_ms``
#: (forced, or after the inotify limit); ``paused``: the project folder is gone, waiting for it
WatchState = Literal["starting", "watching", "polling", "paused", "stopped"]


class WatchStatus(BaseModel):
    """The watcher at one moment (``DaemonSnapshot.watch``; ``None`` there when it is off)."""

    model_config = ConfigDict(frozen=True)

    state: WatchState = "starting"
    root: str
    #: files watched (not ignored by git), counted when watching starts or resumes
    files: int | None = None
    #: why the state is what it is (polling fallback, folder gone), in words
    message: str | None = None
    batches: int = 0
    changed_paths: int = 0
    runs_started: int = 0
    last_change_at: datetime | None = None
