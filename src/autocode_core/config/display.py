"""Showing a configuration: plain data with secrets masked, or ``dotted.key = value`` lines.

Used by ``autocode config show`` and ``GET /api/config``: a secret is never
shown, only whether it is set. A ``SecretStr`` setting (``api.token``,
``history.url``...) shows as ``**********``; any other text setting that is a
URL with a password (``celery.broker_url = "redis://:pw@host:6379/0"``) shows
with the password replaced by ``***`` (``masked_url``), so where it points stays
readable.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, SecretStr

__all__ = ["config_data", "format_config", "masked_url"]


def masked_url(url: str) -> str:
    """``url`` with its password, if it has one, replaced by ``***`` (what logs,
    health, status and ``config show`` print); any other text is returned as is."""
    if "://" not in url:
        return url
    try:
        parts = urlsplit(url)
        has_password = parts.password is not None
    except ValueError:  # not a URL after all (a bad port, a stray bracket)
        return url
    if not has_password:
        return url
    credentials, _, host = parts.netloc.rpartition("@")
    user = credentials.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "**********" if value.get_secret_value() else ""
    if isinstance(value, str):
        return masked_url(value)
    if isinstance(value, BaseModel):
        return _plain(value.model_dump())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return value


def config_data(config: BaseModel) -> dict[str, Any]:
    """The effective configuration as plain data, secrets masked, profiles left out."""
    data = _plain(config)
    data.pop("profiles", None)
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return plain


def _flatten(data: Any, prefix: str = "") -> list[str]:
    if isinstance(data, dict) and data:
        return [line for k, v in data.items() for line in _flatten(v, f"{prefix}{k}.")]
    return [f"{prefix[:-1]} = {json.dumps(data, ensure_ascii=False)}"]


def format_config(config: BaseModel) -> str:
    """``dotted.key = value`` lines of the effective configuration."""
    return "\n".join(_flatten(config_data(config)))
