"""The exception hierarchy."""

from __future__ import annotations

from autocode_core import (
    AutocodeError,
    CheckNotFoundError,
    ConfigError,
    DaemonAlreadyRunningError,
    PluginError,
    PluginLoadError,
)


def test_hierarchy() -> None:
    for cls in (ConfigError, PluginError, CheckNotFoundError, DaemonAlreadyRunningError):
        assert issubclass(cls, AutocodeError)
    assert issubclass(PluginLoadError, PluginError)
    assert issubclass(CheckNotFoundError, KeyError)


def test_messages() -> None:
    error = ConfigError(["a.toml: x: bad", "environment: $Y: worse"])
    assert str(error) == "invalid configuration:\n  a.toml: x: bad\n  environment: $Y: worse"
    assert ConfigError("one").problems == ["one"]
    missing = CheckNotFoundError("nope", ["b", "a"])
    assert str(missing) == "unknown check 'nope' (known: a, b)" and missing.known == ["a", "b"]
    assert str(CheckNotFoundError("x", [])) == "unknown check 'x' (known: no checks are installed)"
