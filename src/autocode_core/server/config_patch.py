"""Reading a ``PATCH /api/config`` body into a partial update, or 422 problems.

The daemon validates values (``update_config`` raises ``ConfigError``); this
module adds what an HTTP client needs on top: a body that is a JSON object,
no settings that only apply at start (``config.start_only``: the state folder,
``api``, retention, ``disable_plugins``, ``profiles``...; 422 of type
``start_only``), no notification destination or credential
(``NOTIFICATION_DESTINATIONS``; 422 of type ``forbidden``), and no unknown keys (a typo is an error here, not a warning,
so a client learns its change did nothing).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from autocode_core.config.models import AutocodeConfig, DaemonConfig
from autocode_core.config.start_only import start_only_problems
from autocode_core.errors import ConfigError
from autocode_core.models import CheckConfig

if TYPE_CHECKING:
    from autocode_core.daemon.daemon import AutocodeDaemon

__all__ = ["ApiProblem", "parse_update", "problems_from_error"]

ApiProblem = dict[str, Any]
#: what a user sets in ``daemon.<check>`` (the rest of ``CheckConfig`` is the
#: plugin's own description of its check)
SCHEDULE_KEYS = set(CheckConfig.model_fields) - {
    "name",
    "description",
    "settings_model",
    "config_aliases",
    "env_vars",
}


def _problem(loc: list[str], msg: str, kind: str = "config_error") -> ApiProblem:
    return {"loc": ["body", *loc], "msg": msg, "type": kind}


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def _unknown_in(model: type[BaseModel] | None, data: Any, loc: list[str]) -> list[ApiProblem]:
    if model is None or not isinstance(data, dict):
        return []
    return [
        _problem([*loc, str(k)], "unknown key", "unknown_key")
        for k in data
        if k not in _fields(model)
    ]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def parse_update(
    raw: bytes, daemon: AutocodeDaemon
) -> tuple[dict[str, Any] | None, list[ApiProblem]]:
    """``(update, [])`` for a usable body, else ``(None, problems)``."""
    try:
        data = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        return None, [_problem([], f"the body is not valid JSON: {str(exc)[:200]}", "json_invalid")]
    if not isinstance(data, dict) or not data:
        return None, [
            _problem([], "the body must be a non-empty JSON object (a partial configuration)")
        ]
    refused = start_only_problems(data)
    problems = [_problem(list(p.loc), p.reason, "start_only") for p in refused]
    problems += _destination_problems(data.get("notifications"))
    aliases = {
        alias.split(".")[1]
        for entry in daemon.plugins.checks.values()
        for alias in entry.defaults.config_aliases
        if alias.startswith("daemon.") and "." in alias
    }
    plugin_sections = {
        alias.split(".")[0]
        for entry in daemon.plugins.checks.values()
        for alias in entry.defaults.config_aliases
    }
    for key, value in data.items():
        if any(p.loc == (key,) for p in refused):
            continue
        if key == "daemon":
            problems += _daemon_problems(value, daemon, aliases)
        elif key == "checks":
            problems += _checks_problems(value, daemon)
        elif key in ("notifications", "history"):
            model = AutocodeConfig.model_fields[key].annotation
            problems += _unknown_in(model if isinstance(model, type) else None, value, [key])
        elif key not in plugin_sections:
            problems.append(_problem([key], "unknown key", "unknown_key"))
    return (None, problems) if problems else (data, [])


#: where notifications go and how they authenticate: never changeable over HTTP, so no
#: request can send check messages, or the configured SMTP password, somewhere new
NOTIFICATION_DESTINATIONS = (
    "webhook_url", "slack_webhook", "email_recipients", "email_sender", "smtp_host", "smtp_port",
    "smtp_security", "smtp_username", "smtp_password", "smtp_ca_file",
)


def _destination_problems(value: Any) -> list[ApiProblem]:
    if not isinstance(value, dict):
        return []
    return [
        _problem(
            ["notifications", key],
            f"notifications.{key} is a destination or credential: it can only be changed in the "
            "configuration file (no request may send messages or secrets somewhere new)",
            "forbidden",
        )
        for key in NOTIFICATION_DESTINATIONS
        if key in value
    ]


def _daemon_problems(value: Any, daemon: AutocodeDaemon, aliases: set[str]) -> list[ApiProblem]:
    if not isinstance(value, dict):
        return [_problem(["daemon"], "must be an object")]
    problems = []
    for key, item in value.items():
        if key in _fields(DaemonConfig) or key in aliases:
            continue
        if key in daemon.check_names:
            if not isinstance(item, dict):
                problems.append(_problem(["daemon", key], "must be an object (a check's schedule)"))
                continue
            problems += [
                _problem(
                    ["daemon", key, str(k)],
                    f"unknown key (a schedule takes {', '.join(sorted(SCHEDULE_KEYS))})",
                    "unknown_key",
                )
                for k in item
                if k not in SCHEDULE_KEYS
            ]
        else:
            problems.append(
                _problem(
                    ["daemon", key], f"no setting or installed check named {key!r}", "unknown_key"
                )
            )
    return problems


def _checks_problems(value: Any, daemon: AutocodeDaemon) -> list[ApiProblem]:
    if not isinstance(value, dict):
        return [_problem(["checks"], "must be an object of check settings")]
    problems = []
    for name, settings in value.items():
        entry = daemon.plugins.checks.get(name)
        if entry is None:
            problems.append(
                _problem(["checks", name], f"no installed check named {name!r}", "unknown_key")
            )
        elif entry.defaults.settings_model is None:
            problems.append(
                _problem(["checks", name], f"check {name!r} takes no settings", "unknown_key")
            )
        else:
            problems += _unknown_in(entry.defaults.settings_model, settings, ["checks", name])
    return problems


def problems_from_error(error: ConfigError) -> list[ApiProblem]:
    """``ConfigError.problems`` as 422 entries: canonical location, reason, source."""
    return [{**_problem(list(p.loc), p.reason), "source": p.source} for p in error.problems]
