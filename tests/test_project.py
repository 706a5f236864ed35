"""``Project``: configuration, plugins and known checks, with nothing running."""

from __future__ import annotations

from pathlib import Path

import pytest

from autocode_core import (
    CheckNotFoundError,
    CheckPlugin,
    CheckResult,
    CheckSettings,
    ConfigError,
    PluginLoadError,
    hookimpl,
)
from autocode_core.project import Project


class AlphaSettings(CheckSettings):
    word: str = "alpha"


class Alpha(CheckPlugin[AlphaSettings]):
    name = "alpha_check"
    interval_minutes = 2
    settings_model = AlphaSettings

    def execute(self, context):
        return CheckResult(status="success", message=context.settings.word)


class Beta(CheckPlugin):
    """Off unless configured on."""

    name = "beta_check"
    enabled = False

    def execute(self, context):
        return CheckResult(status="success", message="beta")


class Broken:
    @hookimpl
    def get_config(self):
        raise RuntimeError("cannot describe myself")

    @hookimpl
    def execute(self):
        pass


class TwinA(CheckPlugin):
    name = "twin_check"

    def execute(self, context):
        return CheckResult(status="success", message="a")


class TwinB(TwinA):
    pass


class Listener:
    @hookimpl
    def on_check_completed(self, check_name):
        pass


def make(root: Path, *plugins, config=None, **kwargs) -> Project:
    """A project over ``root`` with only ``plugins`` (no entry points, files or environment)."""
    return Project(
        root,
        {} if config is None else config,
        plugins=plugins,
        load_entry_points=False,
        environ={},
        **kwargs,
    )


EVERYTHING = (
    Beta,
    Alpha,
    ("broken_plugin", Broken()),
    ("twin_a", TwinA),
    ("twin_b", TwinB),
    ("listener", Listener()),
)


def test_known_checks_are_the_loaded_ones_then_the_failed_loads(tmp_path) -> None:
    project = make(tmp_path, *EVERYTHING)
    assert project.check_names == ["alpha_check", "beta_check"]
    # a failed plugin is known by the check it declared (twins), else by its own name
    assert project.known_checks == ["alpha_check", "beta_check", "broken_plugin", "twin_check"]
    assert [p.name for p in project.failed_plugins] == ["broken_plugin", "twin_a", "twin_b"]
    statuses = {p.name: p.status for p in project.plugins.plugins}
    assert statuses["listener"] == statuses["notifications"] == "loaded"  # listeners are no checks


def test_load_failure_is_found_by_check_name_or_plugin_name(tmp_path, make_dist, unique) -> None:
    module = unique("project_broken_import")
    make_dist(
        "broken-dist",
        {module: "raise ImportError('missing dependency bar')"},
        {"import_check": module},
        version="0.7",
    )
    project = Project(tmp_path, {}, plugins=EVERYTHING, environ={})  # entry points too
    assert (
        project.load_failure("broken_plugin").error
        == "get_config() raised RuntimeError: cannot describe myself"
    )
    twin = project.load_failure("twin_check")
    assert twin.name == "twin_a" and "claimed by more than one plugin" in twin.error
    assert project.load_failure("twin_b").name == "twin_b"
    imported = project.load_failure("import_check")
    assert (imported.distribution, imported.version) == ("broken-dist", "0.7")
    assert "ImportError: missing dependency bar" in imported.error
    assert "import_check" in project.known_checks
    assert project.load_failure("alpha_check") is None and project.load_failure("nope") is None


@pytest.mark.parametrize("name", ["nope", "broken_plugin", "twin_check"])
def test_entry_raises_check_not_found_naming_every_known_check(tmp_path, name) -> None:
    project = make(tmp_path, *EVERYTHING)
    assert project.entry("alpha_check").plugin.name == "alpha_check"
    with pytest.raises(CheckNotFoundError) as caught:
        project.entry(name)
    assert isinstance(caught.value, KeyError) and caught.value.name == name
    assert caught.value.known == ["alpha_check", "beta_check", "broken_plugin", "twin_check"]
    assert str(caught.value) == (
        f"unknown check {name!r} (known: alpha_check, beta_check, broken_plugin, twin_check)"
    )


def test_enabled_checks_follow_the_configuration(tmp_path) -> None:
    assert make(tmp_path, *EVERYTHING).enabled_checks() == ["alpha_check"]
    flipped = make(
        tmp_path,
        *EVERYTHING,
        config={
            "daemon": {"alpha_check": {"enabled": False}, "beta_check": {"enabled": True}},
        },
    )
    assert flipped.enabled_checks() == ["beta_check"]
    nothing = make(tmp_path, ("broken_plugin", Broken()))
    assert nothing.enabled_checks() == [] and nothing.known_checks == ["broken_plugin"]


def test_reading_a_project_creates_nothing(tmp_path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "autocode.toml").write_text('[daemon]\nstate_dir = "state"\n')
    project = Project(root, plugins=EVERYTHING, load_entry_points=False, environ={})
    assert project.root == root.resolve()
    assert (
        project.state_dir == root / "state"
        and project.history_path == root / "state" / "history.db"
    )
    (
        project.known_checks,
        project.enabled_checks(),
        project.config,
        project.settings_for("alpha_check"),
    )
    project.preview({"daemon": {"jitter_seconds": 1}})
    assert sorted(p.name for p in root.iterdir()) == ["autocode.toml"]


def test_files_and_environment_are_read_unless_a_config_is_given(tmp_path) -> None:
    (tmp_path / "autocode.toml").write_text(
        'disable_plugins = ["beta_check"]\n'
        "[daemon]\nmax_concurrent_checks = 7\njitter_seconds = 1\n"
    )
    env = {"AUTOCODE__DAEMON__MAX_CONCURRENT_CHECKS": "5"}
    from_files = Project(tmp_path, plugins=[Alpha, Beta], load_entry_points=False, environ=env)
    assert from_files.config.daemon.max_concurrent_checks == 5  # the environment is above the file
    assert from_files.config.daemon.jitter_seconds == 1
    assert from_files.check_names == ["alpha_check"]
    assert {p.name: p.status for p in from_files.plugins.plugins}["beta_check"] == "disabled"
    explicit = Project(tmp_path, {}, plugins=[Alpha, Beta], load_entry_points=False, environ=env)
    assert explicit.config.daemon.max_concurrent_checks == 2 and explicit.check_names == [
        "alpha_check",
        "beta_check",
    ]


def test_strict_plugins_raise_the_first_load_failure(tmp_path) -> None:
    with pytest.raises(PluginLoadError, match="broken_plugin failed to load: get_config"):
        make(tmp_path, Alpha, ("broken_plugin", Broken()), strict_plugins=True)


def test_settings_are_validated_models(tmp_path) -> None:
    project = make(tmp_path, Alpha, Beta, config={"checks": {"alpha_check": {"word": "hello"}}})
    settings = project.settings_for("alpha_check")
    assert isinstance(settings, AlphaSettings) and settings.word == "hello"
    assert project.settings_for("beta_check") is None
    with pytest.raises(ConfigError) as caught:
        make(tmp_path, Alpha, config={"checks": {"alpha_check": {"word": ["not", "a", "word"]}}})
    problem = caught.value.problems[0]
    assert problem.loc == ("checks", "alpha_check", "word") and "string" in problem.reason


def test_a_preview_changes_nothing_until_it_is_accepted(tmp_path) -> None:
    project = make(tmp_path, Alpha)
    current = project.resolved
    resolved, update = project.preview(
        {
            "daemon": {"alpha_check": {"interval_minutes": 7}},
            "checks": {"alpha_check": {"word": "new"}},
        }
    )
    assert resolved.schedules["alpha_check"].interval_minutes == 7
    assert (
        project.resolved is current
        and project.resolved.schedules["alpha_check"].interval_minutes == 2
    )
    assert project.settings_for("alpha_check").word == "alpha"
    project.accept(resolved, update)
    assert project.resolved is resolved and project.config is resolved.config
    assert project.settings_for("alpha_check").word == "new"


def test_previews_overlay_accepted_updates_only(tmp_path) -> None:
    project = make(tmp_path, Alpha)
    project.accept(*project.preview({"daemon": {"alpha_check": {"interval_minutes": 7}}}))
    project.preview({"daemon": {"alpha_check": {"interval_minutes": 3}}})  # never accepted
    resolved, _ = project.preview({"daemon": {"alpha_check": {"enabled": False}}})
    assert resolved.schedules["alpha_check"].interval_minutes == 7
    assert resolved.schedules["alpha_check"].enabled is False


def test_an_invalid_preview_is_refused_with_typed_problems(tmp_path) -> None:
    project = make(tmp_path, Alpha)
    with pytest.raises(ConfigError) as caught:
        project.preview(
            {"daemon": {"alpha_check": {"interval_minutes": -1}, "max_concurrent_checks": 0}}
        )
    problems = {p.loc: p for p in caught.value.problems}
    assert set(problems) == {
        ("daemon", "alpha_check", "interval_minutes"),
        ("daemon", "max_concurrent_checks"),
    }
    assert {p.source for p in problems.values()} == {"update_config"}
    assert project.resolved.schedules["alpha_check"].interval_minutes == 2
    assert project.config.daemon.max_concurrent_checks == 2
