"""From configuration layers and the loaded checks to one validated config.

Plugin-owned sections are moved to their canonical place first
(``CheckConfig.config_aliases``: ``daemon.token_alerts`` becomes
``checks.git_check.tokens``), layer by layer, so precedence holds whichever
spelling a source used. Then the core models validate the merged data, each
check's schedule is its plugin's defaults overlaid by ``daemon.<name>``, and
each check's settings are validated by the plugin's own model.

Every problem is collected and reported at once, naming the highest source
that set the offending key, the key as the user wrote it, and the reason.
Keys that nothing claims are warnings, not errors. Values of typed sources
(files, Python, the HTTP API) are not converted (``typed_sources``); a number
out of its bounds says both bounds; a state folder autocode may not own
(``store.state_policy``) is refused here, before anything is written.
"""

from __future__ import annotations

import copy
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from autocode_core.config.models import AutocodeConfig, numeric_bounds
from autocode_core.config.sources import ConfigLayer, deep_merge
from autocode_core.config.typed_sources import conversion_problems
from autocode_core.errors import ConfigError, ConfigProblem
from autocode_core.models import CheckConfig
from autocode_core.store.state_policy import state_dir_problem

__all__ = ["ResolvedConfig", "resolve_config"]

SCHEDULE_FIELDS = {
    "enabled",
    "interval_minutes",
    "timeout_seconds",
    "run_at_start",
    "execution",
    "memory_limit_mb",
    "description",
    "watch",
    "on_busy",
}


@dataclass
class ResolvedConfig:
    """The effective configuration and what it means for each check.

    ``config.daemon.<name>`` holds each check's effective ``CheckConfig`` and
    ``config.checks[name]`` its validated settings model (or ``None``). A
    boolean ``enabled`` at the root of a check's settings that is ``False``
    disables the check, as ``daemon.<name>.enabled = false`` does.
    """

    config: AutocodeConfig
    schedules: dict[str, CheckConfig]
    settings: dict[str, BaseModel | None]
    warnings: list[ConfigProblem] = field(default_factory=list)

    def outputs(self) -> dict[str, list[str]]:
        """The files each check declares it writes (``CheckSettings.outputs``), by check name."""
        from autocode_core.plugin.settings import declared_outputs

        return declared_outputs(self.settings)


def _normalized(layers: Sequence[ConfigLayer], checks: Mapping[str, CheckConfig]) -> list[ConfigLayer]:
    out = []
    for layer in layers:
        layer = ConfigLayer(
            layer.source, copy.deepcopy(layer.data), dict(layer.written), layer.typed, dict(layer.replaced)
        )
        for name, check in checks.items():
            for alias, settings_path in check.config_aliases.items():
                value = layer.pop(alias)
                if value is None:
                    continue
                target = ".".join(p for p in ("checks", name, settings_path) if p)
                layer.set(target, value)
                for leaf in _leaves(value):
                    suffix = "." + leaf if leaf else ""
                    layer.written[target + suffix] = alias + suffix
        out.append(layer)
    return out


def _leaves(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{prefix}.{k}" if prefix else str(k))]
    return [prefix]


def _has(data: Any, parts: Sequence[str]) -> bool:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def _where(layers: Sequence[ConfigLayer], loc: Sequence[str]) -> tuple[str, str]:
    """``(source, key as written)`` for the highest layer that set ``loc``, else
    the highest that set its longest prefix (a whole table)."""
    for end in range(len(loc), 0, -1):
        for layer in reversed(layers):
            if _has(layer.data, loc[:end]):
                return layer.source, _written(layer, loc)
    return "defaults", ".".join(loc)


def _problem(layers: Sequence[ConfigLayer], loc: Sequence[str], reason: str) -> ConfigProblem:
    source, key = _where(layers, loc)
    return ConfigProblem(source, key, reason, loc)


def _written(layer: ConfigLayer, loc: Sequence[str]) -> str:
    """The key as the user wrote it in ``layer`` (an alias, a variable, a flag)."""
    for i in range(len(loc), 0, -1):
        written = layer.written.get(".".join(loc[:i]))
        if written:
            rest = ".".join(loc[i:])
            return f"{written}.{rest}" if rest and not written.startswith("$") else written
    return ".".join(loc)


_OUT_OF_BOUNDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _message(error: Any, loc: Sequence[str]) -> str:
    """pydantic's message; for a core number out of bounds, both bounds and what they mean."""
    if error["type"] in _OUT_OF_BOUNDS:
        key = ".".join(loc)
        if len(loc) == 3 and loc[0] == "daemon":
            key = f"daemon.<check>.{loc[2]}"
        bound = numeric_bounds().get(key)
        if bound is not None:
            return f"Input should be between {_number(bound.low)} and {_number(bound.high)} ({bound.description})"
    return str(error["msg"])


def _problems(
    exc: ValidationError, prefix: Sequence[str], layers: Sequence[ConfigLayer]
) -> list[ConfigProblem]:
    problems = []
    for error in exc.errors():
        loc = [*prefix, *(str(p) for p in error["loc"])]
        got = error.get("input")
        shown = "" if isinstance(got, dict) or error["type"] == "missing" else f" (got {got!r})"
        problems.append(_problem(layers, loc, f"{_message(error, loc)}{shown}"))
    return problems


def _unknown(model: type[BaseModel], data: Any, prefix: str) -> list[str]:
    """Dotted keys in ``data`` that ``model`` has no field for, recursively."""
    if not isinstance(data, dict):
        return []
    found = []
    fields = model.model_fields
    names = set(fields) | {f.alias for f in fields.values() if f.alias}
    for key, value in data.items():
        if key not in names:
            found.append(f"{prefix}{key}")
            continue
        annotation = fields[key].annotation if key in fields else None
        found += _unknown_in_value(annotation, value, f"{prefix}{key}")
    return found


def _unknown_in_value(annotation: Any, value: Any, path: str) -> list[str]:
    """Unknown keys inside ``value`` typed ``annotation``: a model, ``Model | None``,
    ``list[Model]`` or ``dict[str, Model]`` (typos there are found too)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _unknown(annotation, value, f"{path}.")
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return _unknown(models[0], value, f"{path}.") if len(models) == 1 else []
    if origin in (list, tuple) and args and isinstance(value, list):
        return [k for i, item in enumerate(value) for k in _unknown_in_value(args[0], item, f"{path}.{i}")]
    if origin is dict and len(args) == 2 and isinstance(value, dict):
        return [k for name, item in value.items() for k in _unknown_in_value(args[1], item, f"{path}.{name}")]
    return []


#: top-level keys whose value is a table
TABLES = tuple(
    name
    for name, info in AutocodeConfig.model_fields.items()
    if (isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel))
    or str(info.annotation).startswith("dict")
)


def _shape_problems(layers: Sequence[ConfigLayer], checks: Mapping[str, CheckConfig]) -> list[ConfigProblem]:
    """Tables given as something else, layer by layer (a higher layer's table
    would otherwise hide a lower layer's ``daemon = 5`` when they merge)."""
    problems = []
    for layer in layers:
        wrong: dict[tuple[str, ...], Any] = {
            (key,): layer.data[key] for key in TABLES if not isinstance(layer.data.get(key, {}), dict)
        }
        daemon = layer.data.get("daemon")
        if isinstance(daemon, dict):
            wrong |= {("daemon", n): daemon[n] for n in checks if not isinstance(daemon.get(n, {}), dict)}
        wrong |= {tuple(key.split(".")): value for key, value in layer.replaced.items()}
        for loc, value in wrong.items():
            reason = f"must be a table (got {value!r})"
            problems.append(ConfigProblem(layer.source, _written(layer, loc), reason, loc))
    return problems


def _without_repeats(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    """A conversion refused in a typed layer hides the merged result's error at the same place."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for problem in problems:
        if problem.loc in seen:
            continue
        seen.add(problem.loc)
        out.append(problem)
    return out


def resolve_config(
    layers: Sequence[ConfigLayer], checks: Mapping[str, CheckConfig], project_root: Path | None = None
) -> ResolvedConfig:
    """Validate the merged layers against the core models and each check's models.

    :param layers: lowest precedence first.
    :param checks: the loaded checks' declared defaults, by check name.
    :param project_root: when given, ``daemon.state_dir`` must be a folder autocode may own there.
    :raises ConfigError: listing every problem with source, key and reason.
    """
    layers = _normalized(layers, checks)
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = deep_merge(merged, layer.data)
    problems = [*_shape_problems(layers, checks), *conversion_problems(layers, checks, _written)]
    warnings: list[ConfigProblem] = []
    daemon_data = merged.get("daemon", {})
    checks_data = merged.get("checks", {})
    if not isinstance(daemon_data, dict):
        problems.append(_problem(layers, ["daemon"], f"must be a table (got {daemon_data!r})"))
        daemon_data = {}
    if not isinstance(checks_data, dict):
        problems.append(_problem(layers, ['checks'], "must be a table of check settings"))
        checks_data = {}
    schedules: dict[str, CheckConfig] = {}
    settings: dict[str, BaseModel | None] = {}
    for name, declared in checks.items():
        user = daemon_data.get(name, {})
        if not isinstance(user, dict):
            problems.append(_problem(layers, ['daemon', name], "must be a table (a CheckConfig)"))
            user = {}
        for key in sorted(set(user) - SCHEDULE_FIELDS):
            warnings.append(_problem(layers, ['daemon', name, key], "unknown key, ignored"))
        base = declared.model_dump(include=SCHEDULE_FIELDS)
        try:
            schedules[name] = CheckConfig.model_validate(
                {**base, **{k: v for k, v in user.items() if k in SCHEDULE_FIELDS}, "name": name}
            )
        except ValidationError as exc:
            problems += _problems(exc, ["daemon", name], layers)
        raw = checks_data.get(name, {})
        model = declared.settings_model
        if model is None:
            settings[name] = None
            if raw:
                warnings.append(_problem(layers, ['checks', name], f"check {name!r} takes no settings, ignored"))
            continue
        try:
            settings[name] = model.model_validate(raw)
        except ValidationError as exc:
            problems += _problems(exc, ["checks", name], layers)
        for key in _unknown(model, raw, ""):
            warnings.append(_problem(layers, ['checks', name, *key.split('.')], "unknown key, ignored"))
    for name in sorted(set(checks_data) - set(checks)):
        warnings.append(_problem(layers, ['checks', name], f"no installed check named {name!r}"))
    core = {k: v for k, v in merged.items()}
    core["daemon"] = {k: v for k, v in daemon_data.items() if k not in checks}
    core["checks"] = {}
    for key in _unknown(AutocodeConfig, core, ""):
        head = key.split(".")
        if head[0] == "daemon" and len(head) == 2:
            warnings.append(_problem(layers, head, f"no installed check named {head[1]!r}, ignored"))
        else:
            warnings.append(_problem(layers, head, "unknown key, ignored"))
    try:
        config = AutocodeConfig.model_validate(core)
    except ValidationError as exc:
        problems += _problems(exc, [], layers)
    else:
        state_dir = config.daemon.state_dir
        refused = state_dir_problem(project_root, state_dir) if project_root is not None else None
        if refused is not None:
            problems.append(_problem(layers, ["daemon", "state_dir"], f"{state_dir!r} {refused}"))
    if problems:
        raise ConfigError(_without_repeats(problems))
    for name, schedule in schedules.items():
        if getattr(settings.get(name), "enabled", True) is False and schedule.enabled:
            schedules[name] = schedule.model_copy(update={"enabled": False})
    config = config.model_copy(
        update={
            "daemon": config.daemon.model_copy(update=schedules),
            "checks": dict(settings),
        }
    )
    return ResolvedConfig(config, schedules, settings, warnings)
