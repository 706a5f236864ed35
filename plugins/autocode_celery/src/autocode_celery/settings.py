"""The ``[celery]`` section of the daemon's configuration, validated."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autocode_core.config.models import bounded

__all__ = ["CelerySettings", "settings_problem"]


class CelerySettings(BaseModel):
    """Where runs go and how long the daemon waits for them.

    ``queue`` is every check's queue unless ``queues`` names one for it
    (``queues = {test_check = "big"}``: heavy checks to big workers). ``code``
    says how a worker finds the project: ``"path"``, the same folder (a shared
    file system; ``path`` if it is mounted elsewhere), or ``"git"``: a
    repository URL (``repository_url``, default the ``origin`` remote) and the
    exact commit, plus a patch of uncommitted changes.
    """

    model_config = ConfigDict(extra="forbid")

    broker_url: str = "redis://127.0.0.1:6379/0"
    result_backend: str | None = None  # default: the broker
    queue: str = Field(default="autocode", pattern=r"^[A-Za-z0-9_.:-]+$")
    queues: dict[str, str] = Field(default_factory=dict)
    code: Literal["path", "git"] = "path"
    path: str | None = None
    repository_url: str | None = None
    hard_limit_grace_seconds: float = bounded(10.0, 1, 3_600, "hard time limit past the soft one")
    queue_wait_seconds: float = bounded(300.0, 1, 86_400, "how long a run may wait for a free worker")
    visibility_timeout_seconds: float = bounded(
        7_200.0, 5, 604_800, "after this an unacknowledged run (its worker died) is redelivered")
    connect_timeout_seconds: float = bounded(3.0, 0.1, 60, "to reach the broker")

    @property
    def backend(self) -> str:
        """The result backend's URL."""
        return self.result_backend or self.broker_url

    def queue_for(self, check: str) -> str:
        """The queue ``check``'s runs go to."""
        return self.queues.get(check, self.queue)


def settings_problem(raw: dict[str, Any]) -> tuple[CelerySettings | None, str | None]:
    """``(settings, None)``, or ``(None, "celery.<key>: <problem>; ...")`` for bad input."""
    try:
        return CelerySettings.model_validate(raw), None
    except ValidationError as exc:
        parts = [
            f"celery.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            + ("" if isinstance(e.get("input"), dict) else f" (got {e.get('input')!r})")
            for e in exc.errors()
        ]
        return None, "; ".join(parts)
