"""autocode-celery: check runs on a Celery worker fleet.

``daemon.execution = "celery"`` (or per check) sends runs to workers started
with ``autocode worker``; see README.md.
"""

from __future__ import annotations

__all__: list[str] = []
