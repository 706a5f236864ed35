"""Loading plugins: entry points one by one, bad plugins recorded, never fatal."""

from __future__ import annotations

import types

import pytest

from autocode_core import CheckConfig, CheckPlugin, CheckResult, PluginLoadError, hookimpl
from autocode_core.plugin.loader import load_plugins

GOOD = """
from autocode_core import CheckConfig, CheckResult, hookimpl

@hookimpl
def get_config():
    return CheckConfig(name="{check}", interval_minutes=1)

@hookimpl
def execute(context):
    return CheckResult(status="success", message="good from " + str(context.project_root))
"""


def test_entry_point_plugin_is_discovered(make_dist, unique) -> None:
    mod = unique("good")
    make_dist("good-dist", {mod: GOOD.format(check="good_check")}, {"good_check": mod}, version="2.3")
    loaded = load_plugins(environ={})
    info = next(p for p in loaded.plugins if p.name == "good_check")
    assert (info.status, info.distribution, info.version, info.check) == ("loaded", "good-dist", "2.3", "good_check")
    assert info.hooks == ["execute", "get_config"]
    assert "good_check" in loaded.checks


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("raise ImportError('no such thing')", "ImportError: no such thing"),
        ("import autocode_core\n@autocode_core.hookimpl\ndef execute(context, extra): pass", "hooks do not match"),
        ("import autocode_core\n@autocode_core.hookimpl\ndef on_check_done(result): pass", "unknown hook(s) on_check_done"),
        (
            ("import autocode_core\n@autocode_core.hookimpl\ndef get_config(): raise RuntimeError('nope')\n"
            "@autocode_core.hookimpl\ndef execute(context): pass"),
            "get_config() raised RuntimeError: nope",
        ),
        (
            ("import autocode_core\n@autocode_core.hookimpl\ndef get_config(): return {'name': 'x'}\n"
            "@autocode_core.hookimpl\ndef execute(context): pass"),
            "get_config() returned dict",
        ),
        ("import autocode_core\n@autocode_core.hookimpl\ndef execute(context): pass", "describes no check"),
        ("x = 1", "implements none of the autocode hooks"),
    ],
)
def test_a_bad_plugin_is_recorded_and_the_others_load(make_dist, unique, source: str, expected: str) -> None:
    bad, good = unique("bad"), unique("good")
    make_dist("bad-dist", {bad: source}, {"bad_one": bad}, version="0.1")
    make_dist("good-dist", {good: GOOD.format(check="fine_check")}, {"fine_check": good})
    loaded = load_plugins(environ={})
    info = next(p for p in loaded.plugins if p.name == "bad_one")
    assert info.status == "failed"
    assert (info.distribution, info.version) == ("bad-dist", "0.1")
    assert expected in (info.error or "")
    assert "fine_check" in loaded.checks
    assert not loaded.manager.has_plugin("bad_one")


def test_strict_mode_reraises(make_dist, unique) -> None:
    bad = unique("bad")
    make_dist("bad-dist", {bad: "raise ImportError('broken on purpose')"}, {"bad_one": bad})
    with pytest.raises(PluginLoadError, match="broken on purpose"):
        load_plugins(environ={"AUTOCODE_STRICT_PLUGINS": "1"})
    with pytest.raises(PluginLoadError, match="bad_one"):
        load_plugins(environ={}, strict=True)


def test_disabled_plugins_are_not_imported(make_dist, unique) -> None:
    bad = unique("never")
    make_dist("x-dist", {bad: "raise SystemExit('must not be imported')"}, {"never_check": bad})
    loaded = load_plugins(environ={"AUTOCODE_DISABLE_PLUGINS": "other, never_check"})
    assert next(p for p in loaded.plugins if p.name == "never_check").status == "disabled"
    loaded = load_plugins(environ={}, disabled=["never_check"])
    assert next(p for p in loaded.plugins if p.name == "never_check").status == "disabled"


def test_two_plugins_claiming_one_check_name_is_a_load_error() -> None:
    class A(CheckPlugin):
        name = "same_check"

        def execute(self, context):
            return CheckResult(status="success", message="a")

    class B(A):
        pass

    loaded = load_plugins(entry_points=False, plugins=[("a", A), ("b", B)], environ={})
    assert "same_check" not in loaded.checks
    for info in (p for p in loaded.plugins if p.source == "registered"):
        assert info.status == "failed"
        assert "claimed by more than one plugin: a and b" in (info.error or "")


def test_plugin_kinds_module_object_and_class() -> None:
    module = types.ModuleType("mod_plugin")

    @hookimpl
    def get_config():
        return CheckConfig(name="mod_check")

    @hookimpl
    def execute():  # opt-in arguments: it needs none
        return CheckResult(status="success", message="m")

    module.get_config, module.execute = get_config, execute

    class Listener:
        @hookimpl
        def on_check_completed(self, result):
            pass

    class Sub(CheckPlugin):
        name = "class_check"
        interval_minutes = 7

        def execute(self, context):
            return CheckResult(status="success", message="c")

    loaded = load_plugins(entry_points=False, plugins=[module, ("listener", Listener()), Sub], environ={})
    assert sorted(loaded.checks) == ["class_check", "mod_check"]
    assert loaded.checks["class_check"].defaults.interval_minutes == 7
    assert [info.name for info, _ in loaded.listeners()] == ["notifications", "listener"]
    kinds = {p.name: p.hooks for p in loaded.plugins}
    assert kinds["listener"] == ["on_check_completed"]
    assert kinds["class_check"] == ["execute", "get_config"]  # no no-op listener from the base class


def test_checkplugin_subclass_is_instantiated_with_the_daemon() -> None:
    seen = []

    class Sub(CheckPlugin):
        name = "d_check"

        def __init__(self, daemon=None):
            super().__init__(daemon)
            seen.append(daemon)

        def execute(self, context):
            return CheckResult(status="success", message="x")

    marker = object()
    load_plugins(entry_points=False, plugins=[Sub], daemon=marker, environ={})
    assert seen == [marker]


def test_each_load_builds_a_fresh_manager() -> None:
    class Sub(CheckPlugin):
        name = "fresh_check"

        def execute(self, context):
            return CheckResult(status="success", message="x")

    first = load_plugins(entry_points=False, plugins=[Sub], environ={})
    second = load_plugins(entry_points=False, environ={})
    assert "fresh_check" in first.checks and "fresh_check" not in second.checks
    assert first.manager is not second.manager
