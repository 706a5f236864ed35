"""Finding, loading and describing plugins.

``load_plugins`` builds a fresh plugin manager each time (never a module
global), so two daemons in one process never share plugins, and an embedding
application or a test can pass an explicit plugin list with no entry-point
loading at all.

Entry points are loaded one at a time in a loop we own: one that fails to
import, whose hooks do not match the specs, or whose ``get_config`` raises is
recorded as a failed ``PluginInfo`` (name, distribution, version, error) and
skipped. ``AUTOCODE_STRICT_PLUGINS=1`` (or ``strict=True``) re-raises instead.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Literal

import pluggy

from autocode_core.errors import PluginLoadError
from autocode_core.models import CheckConfig
from autocode_core.plugin import hookspecs
from autocode_core.plugin.calling import call_hookimpl
from autocode_core.plugin.check_plugin import CheckPlugin

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "CheckEntry",
    "LoadedPlugins",
    "PluginInfo",
    "create_plugin_manager",
    "import_target",
    "importable_target",
    "load_plugins",
]

ENTRY_POINT_GROUP = "autocode"

#: Plugins that ship with the core, loaded through the same path as entry
#: points (so they can be listed and disabled): ``(name, module path)``.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("notifications", "autocode_core.notify.plugin:NotificationPlugin"),
)

PluginStatus = Literal["loaded", "failed", "disabled"]
HOOK_NAMES = ("get_config", "execute", "on_check_completed")


@dataclass
class PluginInfo:
    """What we know of one plugin, loaded or not."""

    name: str
    source: Literal["entry_point", "builtin", "registered"]
    distribution: str | None = None
    version: str | None = None
    target: str | None = None
    status: PluginStatus = "loaded"
    #: ``module:attribute`` a worker process can import it by (``None``: only in this process)
    importable: str | None = None
    check: str | None = None
    hooks: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def label(self) -> str:
        """``name (distribution version)`` for messages."""
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version or '?'})"
        return self.name

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as printed by ``autocode plugins --json``."""
        return {
            "name": self.name,
            "source": self.source,
            "distribution": self.distribution,
            "version": self.version,
            "target": self.target,
            "status": self.status,
            "check": self.check,
            "hooks": list(self.hooks),
            "error": self.error,
        }


@dataclass
class CheckEntry:
    """A loaded check: the plugin that provides it and its declared defaults."""

    name: str
    plugin: PluginInfo
    defaults: CheckConfig
    execute: pluggy.HookImpl


@dataclass
class LoadedPlugins:
    """The outcome of ``load_plugins``: the manager and every plugin's record."""

    manager: pluggy.PluginManager
    plugins: list[PluginInfo]
    checks: dict[str, CheckEntry]

    @property
    def failed(self) -> list[PluginInfo]:
        """Plugins that failed to load, in load order."""
        return [p for p in self.plugins if p.status == "failed"]

    def listeners(self) -> list[tuple[PluginInfo, pluggy.HookImpl]]:
        """Every ``on_check_completed`` implementation with its plugin."""
        by_name = {p.name: p for p in self.plugins}
        impls = self.manager.hook.on_check_completed.get_hookimpls()
        return [(by_name[i.plugin_name], i) for i in impls if i.plugin_name in by_name]


class _AutocodePluginManager(pluggy.PluginManager):
    """A pluggy manager that also reads ``CheckPlugin`` methods as hooks."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None or not isinstance(plugin, CheckPlugin) or name not in HOOK_NAMES:
            return opts
        if name in CheckPlugin.OPTIONAL_HOOKS and getattr(type(plugin), name) is getattr(
            CheckPlugin, name
        ):
            return None
        return {}


def create_plugin_manager() -> pluggy.PluginManager:
    """A new plugin manager with the autocode hookspecs and no plugin."""
    manager = _AutocodePluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


def _strict_from_env(environ: Mapping[str, str]) -> bool:
    return environ.get("AUTOCODE_STRICT_PLUGINS", "").strip().lower() in {"1", "true", "yes", "on"}


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.rstrip(":")


def _instantiate(obj: Any, daemon: Any) -> Any:
    if inspect.isclass(obj) and issubclass(obj, CheckPlugin):
        return obj(daemon)
    return obj


def _register(manager: pluggy.PluginManager, info: PluginInfo, obj: Any) -> CheckConfig | None:
    """Register one plugin and read its check; raises PluginLoadError on any problem."""
    try:
        manager.register(obj, name=info.name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginLoadError(f"hooks do not match the autocode specs: {exc}") from exc
    callers = manager.get_hookcallers(obj) or []
    unknown = [c.name for c in callers if not c.has_spec()]
    info.hooks = sorted(c.name for c in callers if c.has_spec())
    try:
        if unknown:
            raise PluginLoadError(
                f"unknown hook(s) {', '.join(sorted(unknown))}; "
                f"autocode hooks are {', '.join(HOOK_NAMES)}"
            )
        impls = {c.name: _impl_of(c, info.name) for c in callers}
        if not impls:
            raise PluginLoadError(f"implements none of the autocode hooks ({', '.join(HOOK_NAMES)})")
        check: CheckConfig | None = None
        if "get_config" in impls:
            try:
                check = call_hookimpl(impls["get_config"])
            except Exception as exc:
                raise PluginLoadError(f"get_config() raised {_error_text(exc)}") from exc
            if check is not None and not isinstance(check, CheckConfig):
                raise PluginLoadError(
                    f"get_config() returned {type(check).__name__}, expected CheckConfig or None"
                )
            if check is not None and not check.name:
                raise PluginLoadError("get_config() returned a CheckConfig without a name")
        if "execute" in impls and check is None:
            raise PluginLoadError("implements execute but get_config() describes no check")
        if check is not None and "execute" not in impls:
            raise PluginLoadError(f"describes check {check.name!r} but implements no execute")
        return check
    except PluginLoadError:
        manager.unregister(obj)
        raise


def _impl_of(caller: pluggy.HookCaller, plugin_name: str) -> pluggy.HookImpl:
    return next(i for i in caller.get_hookimpls() if i.plugin_name == plugin_name)


def _candidates(
    entry_points: bool, plugins: Iterable[Any]
) -> Iterable[tuple[PluginInfo, Any]]:
    """Yield (info, loader) pairs: built-ins, entry points, then explicit plugins."""
    for name, target in BUILTIN_PLUGINS:
        yield PluginInfo(
            name, "builtin", "autocode-core", _version("autocode-core"), target, importable=target
        ), (
            lambda target=target: import_target(target)
        )
    if entry_points:
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = getattr(ep, "dist", None)
            info = PluginInfo(
                ep.name,
                "entry_point",
                dist.metadata["Name"] if dist is not None else None,
                dist.version if dist is not None else None,
                ep.value,
                importable=ep.value,
            )
            yield info, ep.load
    for item in plugins:
        name, obj = item if isinstance(item, tuple) else (_default_name(item), item)
        yield PluginInfo(name, "registered", target=repr(obj), importable=importable_target(obj)), (
            lambda obj=obj: obj
        )


def import_target(target: str) -> Any:
    """``package.module`` or ``package.module:attribute``, as in entry points."""
    module_name, _, attribute = target.partition(":")
    obj = importlib.import_module(module_name)
    for part in attribute.split(".") if attribute else ():
        obj = getattr(obj, part)
    return obj


def importable_target(obj: Any) -> str | None:
    """``module:qualname`` for a module, class or function another process can import, else ``None``."""
    if inspect.ismodule(obj):
        return obj.__name__ if getattr(obj, "__spec__", None) is not None else None
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return None
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", "")
    if not module or "<locals>" in qualname or module == "__main__":
        return None
    return f"{module}:{qualname}"


#: what a plugin (and check) name may be: it is a URL segment, a CLI word and a config key
VALID_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _safe_name(name: str) -> str:
    """``name`` with every character outside ``VALID_NAME`` replaced by ``_``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "_"
    return safe if VALID_NAME.fullmatch(safe) else f"_{safe}"


def _default_name(obj: Any) -> str:
    explicit = getattr(obj, "name", None)
    if isinstance(explicit, str) and explicit:
        return explicit
    return getattr(obj, "__name__", None) or type(obj).__name__


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def load_plugins(
    *,
    entry_points: bool = True,
    plugins: Iterable[Any] = (),
    disabled: Iterable[str] = (),
    strict: bool | None = None,
    daemon: Any = None,
    environ: Mapping[str, str] | None = None,
) -> LoadedPlugins:
    """Load plugins into a new manager, each on its own.

    :param entry_points: load the ``autocode`` entry-point group (built-ins load either way).
    :param plugins: extra plugins: modules, objects, ``CheckPlugin`` subclasses,
        or ``(name, plugin)`` pairs.
    :param disabled: plugin names to keep out, added to ``AUTOCODE_DISABLE_PLUGINS``.
    :param strict: re-raise the first load failure (default: ``AUTOCODE_STRICT_PLUGINS``).
    :param daemon: passed to ``CheckPlugin`` subclasses when they are instantiated.
    :raises PluginLoadError: only in strict mode.
    """
    environ = os.environ if environ is None else environ
    strict = _strict_from_env(environ) if strict is None else strict
    blocked = {n.strip() for n in environ.get("AUTOCODE_DISABLE_PLUGINS", "").split(",")}
    blocked |= set(disabled)
    blocked.discard("")
    manager = create_plugin_manager()
    infos: list[PluginInfo] = []
    declared: dict[str, list[tuple[PluginInfo, CheckConfig]]] = {}
    for info, loader in _candidates(entry_points, plugins):
        infos.append(info)
        if info.name in blocked:
            info.status = "disabled"
            continue
        if not VALID_NAME.fullmatch(info.name):  # unaddressable in URLs, CLI and config keys
            raw, info.name = info.name, _safe_name(info.name)
            info.status = "failed"
            info.error = (
                f"invalid plugin name {raw!r}: names hold letters, digits, '_', '.' and '-' "
                f"(known here as {info.name!r})"
            )
            if strict:
                raise PluginLoadError(f"plugin {raw!r} failed to load: {info.error}")
            continue
        try:
            obj = _instantiate(loader(), daemon)
            check = _register(manager, info, obj)
        except Exception as exc:
            info.status = "failed"
            info.error = str(exc) if isinstance(exc, PluginLoadError) else _error_text(exc)
            if not isinstance(exc, PluginLoadError):
                info.error += "\n" + "".join(traceback.format_exception(exc)[-3:]).rstrip()
            if strict:
                raise PluginLoadError(f"plugin {info.label} failed to load: {info.error}") from exc
            continue
        if check is not None:
            info.check = check.name
            declared.setdefault(str(check.name), []).append((info, check))
    checks: dict[str, CheckEntry] = {}
    for name, claims in sorted(declared.items()):
        if len(claims) > 1:
            owners = " and ".join(i.label for i, _ in claims)
            for info, _ in claims:
                info.status = "failed"
                info.error = f"check name {name!r} is claimed by more than one plugin: {owners}"
                manager.unregister(name=info.name)
            if strict:
                raise PluginLoadError(claims[0][0].error or "")
            continue
        info, config = claims[0]
        impl = _impl_of(manager.hook.execute, info.name)
        checks[name] = CheckEntry(name, info, config, impl)
    return LoadedPlugins(manager, infos, checks)
