"""``CheckSettings``: the base of every check's settings model.

A check's settings live under ``[checks.<name>]`` and are validated by the
plugin's ``settings_model``. Subclassing ``CheckSettings`` gives every check
the same rules:

* unknown keys are reported as warnings naming the file and key (all of them
  at once, with every other problem), never silently dropped and never fatal;
* assignments are validated too;
* ``outputs()`` declares the files the check writes, relative to the project
  root, so other checks (the git summary) and file watching ignore them
  without knowing each plugin's field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["CheckSettings", "declared_outputs"]


class CheckSettings(BaseModel):
    """Base class of a check's settings (``CheckPlugin.settings_model``)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    def outputs(self) -> list[str]:
        """Paths this check writes, relative to the project root (absolute paths allowed).

        The default declares none; override it when the check writes files.
        """
        return []


def declared_outputs(settings: Mapping[str, Any]) -> dict[str, list[str]]:
    """What each check declares it writes, from its settings (``config.checks``), by check name.

    Settings that are not ``CheckSettings`` (or declare nothing) contribute nothing.
    """
    found: dict[str, list[str]] = {}
    for name, value in settings.items():
        declare = getattr(value, "outputs", None)
        if isinstance(value, BaseModel) and callable(declare):
            found[name] = [str(path) for path in declare()]
    return found
