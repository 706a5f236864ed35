"""Per-check controls that survive a restart: paused, enabled (``<state>/controls.json``).

Pausing, resuming, enabling or disabling a check (from the dashboard, the API,
or ``daemon.pause_check`` and friends) is saved here and restored when a daemon
starts, with when it was set, so the dashboard can say why a check is paused.
The file is written atomically; one that cannot be read is ignored with a
warning (controls are a convenience, never a reason not to start).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import structlog
from pydantic import BaseModel, ConfigDict, ValidationError

from autocode_core.models import utc_now
from autocode_core.store.state_dir import write_atomic

__all__ = ["CheckControls", "ControlsStore"]

log = structlog.get_logger("autocode.store")
FILE_NAME = "controls.json"


class CheckControls(BaseModel):
    """What was set for one check, and when (``None``: not set, the configuration decides)."""

    model_config = ConfigDict(frozen=True)

    paused: bool | None = None
    enabled: bool | None = None
    changed_at: datetime | None = None


class ControlsStore:
    """The saved controls of a project's checks.

    :param path: ``<state>/controls.json``.
    :param prepare: creates (and claims) the state folder before the first write.
    """

    def __init__(self, path: Path, prepare: Callable[[], object] = lambda: None) -> None:
        self.path = path
        self._prepare = prepare
        self._controls: dict[str, CheckControls] = self._read()

    def _read(self) -> dict[str, CheckControls]:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            return {str(k): CheckControls.model_validate(v) for k, v in dict(raw).items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, ValidationError) as exc:
            log.warning("controls_unreadable_ignored", path=str(self.path), error=str(exc))
            return {}

    def get(self, name: str) -> CheckControls:
        """The controls saved for ``name`` (all ``None`` when none were)."""
        return self._controls.get(name, CheckControls())

    def all(self) -> dict[str, CheckControls]:
        """Every check's saved controls."""
        return dict(self._controls)

    def set(self, name: str, *, paused: bool | None = None, enabled: bool | None = None) -> None:
        """Save a change for ``name`` (arguments left ``None`` keep their saved value).

        A failed write is logged; the change still applies to the running daemon.
        """
        old = self.get(name)
        new = CheckControls(
            paused=old.paused if paused is None else paused,
            enabled=old.enabled if enabled is None else enabled,
            changed_at=utc_now(),
        )
        self._controls[name] = new
        data = {k: v.model_dump(mode="json") for k, v in sorted(self._controls.items())}
        try:
            self._prepare()
            write_atomic(self.path, json.dumps(data, indent=2) + "\n")
        except OSError as exc:
            log.error("controls_not_saved", path=str(self.path), error=str(exc))
