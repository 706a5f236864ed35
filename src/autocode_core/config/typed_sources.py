"""Values from typed sources are taken as written: no quiet conversions.

TOML files, configuration built in Python and JSON bodies (``PATCH
/api/config``) have real types, so ``enabled = "yes"`` or
``interval_minutes = "5"`` there is a mistake to report, not to convert.
Environment variables and ``--set`` flags are text by nature: they keep their
documented parsing (JSON when it parses, then pydantic's usual conversions).

How: each typed layer is validated on its own twice, in pydantic's strict JSON
mode (a string is no number or boolean, yet a path, an enum value or a list
for a tuple still are) and in its default mode. An error that only the strict
pass raises is a conversion the layer relied on. Everything else (bounds,
missing values, cross-field rules) is left to the validation of the merged
configuration, so nothing is reported twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pydantic_core
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from autocode_core.config.models import AutocodeConfig
from autocode_core.config.sources import ConfigLayer
from autocode_core.errors import ConfigProblem
from autocode_core.models import CheckConfig

__all__ = ["conversion_problems"]

Written = Callable[[ConfigLayer, Sequence[str]], str]


def _strict_only(model: type[BaseModel], data: Any) -> list[ErrorDetails]:
    """Errors of ``data`` that only pydantic's strict mode finds."""
    if not isinstance(data, dict) or not data:
        return []
    try:
        text = pydantic_core.to_json(data, serialize_unknown=True)
    except (TypeError, ValueError, pydantic_core.PydanticSerializationError):
        return []  # not JSON-like: left to the lax validation
    try:
        model.model_validate_json(text, strict=True)
        return []
    except ValidationError as exc:
        strict = exc.errors(include_url=False)
    try:
        model.model_validate(data)
        lax: set[tuple[Any, ...]] = set()
    except ValidationError as exc:
        lax = {tuple(e["loc"]) for e in exc.errors(include_url=False)}
    return [e for e in strict if e["type"] != "missing" and tuple(e["loc"]) not in lax]


def _parts(data: dict[str, Any], checks: Mapping[str, CheckConfig]) -> list[tuple[list[str], type[BaseModel], Any]]:
    """``(location, model, data)`` for the core, each check's schedule and settings."""
    daemon = data.get("daemon")
    settings = data.get("checks")
    core = dict(data)
    if isinstance(daemon, dict):
        core["daemon"] = {k: v for k, v in daemon.items() if k not in checks}
    core.pop("checks", None)
    parts: list[tuple[list[str], type[BaseModel], Any]] = [([], AutocodeConfig, core)]
    for name, declared in checks.items():
        schedule = daemon.get(name) if isinstance(daemon, dict) else None
        if isinstance(schedule, dict):
            given = {k: v for k, v in schedule.items() if k in CheckConfig.model_fields and k != "name"}
            parts.append((["daemon", name], CheckConfig, given))
        own = settings.get(name) if isinstance(settings, dict) else None
        if declared.settings_model is not None:
            parts.append((["checks", name], declared.settings_model, own))
    return parts


def conversion_problems(
    layers: Sequence[ConfigLayer], checks: Mapping[str, CheckConfig], written: Written
) -> list[ConfigProblem]:
    """Values of typed layers that pydantic would only accept by converting them.

    :param layers: normalised layers (plugin aliases moved to their place).
    :param written: how the user wrote a location in a layer (for the key shown).
    """
    problems = []
    for layer in layers:
        if not layer.typed:
            continue
        for prefix, model, data in _parts(layer.data, checks):
            for error in _strict_only(model, data):
                loc = [*prefix, *(str(p) for p in error["loc"])]
                reason = f"{error['msg']} (got {error['input']!r})"
                problems.append(ConfigProblem(layer.source, written(layer, loc), reason, loc))
    return problems
