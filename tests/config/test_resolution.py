"""From layers to one validated configuration, with errors that name file, key and reason."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from autocode_core import (
    ApiConfig,
    AutocodeConfig,
    AutocodeDaemon,
    CheckConfig,
    CheckPlugin,
    CheckResult,
    ConfigError,
    DaemonConfig,
)
from autocode_core.config.display import config_data


class TokenConfig(BaseModel):
    enabled: bool = True
    threshold: int = Field(default=50000, gt=0)
    model: str = "gpt-4"


class GitSettings(BaseModel):
    output_path: str = "git_changes.json"
    tokens: TokenConfig = TokenConfig()


class TestSettings(BaseModel):
    __test__ = False
    enabled: bool = True
    auto_execute: bool = True


class GitLike(CheckPlugin):
    name = "git_check"
    interval_minutes = 5
    settings_model = GitSettings
    config_aliases = {"daemon.token_alerts": "tokens"}
    env_vars = {"AUTOCODE_TOKEN_THRESHOLD": "tokens.threshold", "AUTOCODE_TOKEN_MODEL": "tokens.model"}

    def execute(self, context):
        return CheckResult(status="success", message=str(context.settings.tokens.threshold))


class TestsLike(CheckPlugin):
    __test__ = False
    name = "test_check"
    interval_minutes = 5
    settings_model = TestSettings
    config_aliases = {"tests": ""}
    env_vars = {"AUTOCODE_TESTS_ENABLED": "enabled", "AUTOCODE_TESTS_AUTO_EXECUTE": "auto_execute"}

    def execute(self, context):
        return CheckResult(status="success", message="ok")


class DocLike(CheckPlugin):
    name = "doc_check"
    interval_minutes = 10

    def execute(self, context):
        return CheckResult(status="success", message="ok")


PLUGINS = [GitLike, TestsLike, DocLike]


def daemon_for(project, **kwargs) -> AutocodeDaemon:
    return AutocodeDaemon(project, plugins=PLUGINS, load_entry_points=False, **kwargs)


def test_plugin_defaults_hold(project) -> None:
    d = daemon_for(project, environ={})
    assert d.config.daemon.doc_check.interval_minutes == 10
    assert d.config.daemon.git_check.interval_minutes == 5
    assert d.settings_for("git_check").tokens == TokenConfig()
    assert (d.config.api.host, d.config.api.port) == ("127.0.0.1", 8080)
    assert d.scheduler.tasks["doc_check"].interval_seconds == 600


def test_precedence_file_profile_env_cli(project) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.autocode.daemon.git_check]\ninterval_minutes = 7\n"
        "[tool.autocode.daemon.token_alerts]\nthreshold = 100\nmodel = 'gpt-4o'\n"
        "[tool.autocode.profiles.dev.checks.git_check.tokens]\nthreshold = 200\n"
    )
    assert daemon_for(project, environ={}).settings_for("git_check").tokens.threshold == 100
    d = daemon_for(project, profile="dev", environ={})
    assert d.settings_for("git_check").tokens.threshold == 200
    assert d.settings_for("git_check").tokens.model == "gpt-4o"
    d = daemon_for(project, profile="dev", environ={"AUTOCODE_TOKEN_THRESHOLD": "300", "AUTOCODE_GIT_CHECK_INTERVAL": "2"})
    assert d.settings_for("git_check").tokens.threshold == 300
    assert d.config.daemon.git_check.interval_minutes == 2
    d = daemon_for(
        project, profile="dev", environ={"AUTOCODE_TOKEN_THRESHOLD": "300"},
        overrides=["checks.git_check.tokens.threshold=400"],
    )
    assert d.settings_for("git_check").tokens.threshold == 400


def test_seed_environment_variables(project) -> None:
    env = {
        "AUTOCODE_DOC_CHECK_INTERVAL": "15", "AUTOCODE_TEST_CHECK_INTERVAL": "3",
        "AUTOCODE_TOKEN_MODEL": "gpt-4o", "AUTOCODE_TESTS_ENABLED": "false", "AUTOCODE_TESTS_AUTO_EXECUTE": "false",
    }
    d = daemon_for(project, environ=env)
    assert d.config.daemon.doc_check.interval_minutes == 15
    assert d.config.daemon.test_check.interval_minutes == 3
    assert d.settings_for("git_check").tokens.model == "gpt-4o"
    assert d.settings_for("test_check") == TestSettings(enabled=False, auto_execute=False)
    assert d.enabled_checks() == ["doc_check", "git_check"]  # tests.enabled=false disables the check


def test_errors_name_file_key_and_reason_all_at_once(project) -> None:
    (project / "autocode.toml").write_text(
        "[daemon]\nmax_concurrent_checks = 0\n[daemon.token_alerts]\nthreshold = -5\n"
        "[daemon.git_check]\ninterval_minutes = 'often'\n"
    )
    with pytest.raises(ConfigError) as info:
        daemon_for(project, environ={"AUTOCODE_TOKEN_MODEL": "gpt-4"})
    problems = info.value.problems
    assert "autocode.toml: daemon.max_concurrent_checks: Input should be between 1 and 256 (checks running at once) (got 0)" in problems
    assert "autocode.toml: daemon.token_alerts.threshold: Input should be greater than 0 (got -5)" in problems
    assert any(p.startswith("autocode.toml: daemon.git_check.interval_minutes: Input should be a valid number") for p in problems)


def test_env_errors_name_the_variable(project) -> None:
    with pytest.raises(ConfigError, match=r"environment: \$AUTOCODE_TOKEN_THRESHOLD: Input should be a valid integer"):
        daemon_for(project, environ={"AUTOCODE_TOKEN_THRESHOLD": "lots"})
    with pytest.raises(ConfigError, match=r"environment: \$AUTOCODE__DAEMON__JITTER_SECONDS: Input should be"):
        daemon_for(project, environ={"AUTOCODE__DAEMON__JITTER_SECONDS": "-1"})


def test_unknown_keys_warn_and_are_not_fatal(project, capsys) -> None:
    (project / "autocode.toml").write_text(
        "colour = 'blue'\n[daemon]\nmax_concurent_checks = 3\n[daemon.nope_check]\nenabled = false\n"
        "[checks.git_check]\nout_path = 'x'\n[checks.ghost]\na = 1\n[api]\nprot = 1\n"
    )
    import structlog

    with structlog.testing.capture_logs() as logs:
        d = daemon_for(project, environ={})
    problems = sorted(e["problem"] for e in logs if e["event"] == "config_warning")
    assert problems == sorted([
        "autocode.toml: colour: unknown key, ignored",
        "autocode.toml: daemon.max_concurent_checks: no installed check named 'max_concurent_checks', ignored",
        "autocode.toml: daemon.nope_check: no installed check named 'nope_check', ignored",
        "autocode.toml: checks.git_check.out_path: unknown key, ignored",
        "autocode.toml: checks.ghost: no installed check named 'ghost'",
        "autocode.toml: api.prot: unknown key, ignored",
    ])
    assert d.config.daemon.max_concurrent_checks == 2


def test_seed_default_configuration_example_works_as_written(project) -> None:
    config = AutocodeConfig(
        daemon=DaemonConfig(
            doc_check=CheckConfig(enabled=True, interval_minutes=10),
            git_check=CheckConfig(enabled=True, interval_minutes=5),
            test_check=CheckConfig(enabled=True, interval_minutes=5),
            token_alerts=TokenConfig(enabled=True, threshold=50000, model="gpt-4"),
        ),
        api=ApiConfig(port=8080, host="127.0.0.1"),
        tests=TestSettings(enabled=True, auto_execute=True),
    )
    d = daemon_for(project, config=config)
    assert d.settings_for("git_check").tokens.threshold == 50000
    assert d.enabled_checks() == ["doc_check", "git_check", "test_check"]


def test_seed_dynamic_configuration_example(project) -> None:
    d = daemon_for(project, environ={})
    d.update_config(AutocodeConfig(
        daemon=DaemonConfig(
            doc_check=CheckConfig(enabled=True, interval_minutes=15),
            git_check=CheckConfig(enabled=False),
            test_check=CheckConfig(enabled=True, interval_minutes=3),
            token_alerts=TokenConfig(threshold=100000),
        )
    ))
    assert d.scheduler.tasks["doc_check"].interval_seconds == 900
    assert d.scheduler.tasks["test_check"].interval_seconds == 180
    assert d.scheduler.get_active_tasks() == ["doc_check", "test_check"]
    assert d.settings_for("git_check").tokens.threshold == 100000
    assert d.run_check_manually("git_check").message == "100000"


def test_seed_multi_environment_and_resource_limit_examples(project) -> None:
    dev_config = AutocodeConfig(daemon=DaemonConfig(
        doc_check=CheckConfig(interval_minutes=5), git_check=CheckConfig(interval_minutes=2)))
    prod_config = AutocodeConfig(daemon=DaemonConfig(
        doc_check=CheckConfig(interval_minutes=30), git_check=CheckConfig(interval_minutes=15)))
    limits = AutocodeConfig(daemon=DaemonConfig(
        max_concurrent_checks=2, check_timeout_seconds=300, max_memory_usage_mb=512))
    assert daemon_for(project, config=dev_config).scheduler.tasks["git_check"].interval_seconds == 120
    assert daemon_for(project, config=prod_config).scheduler.tasks["doc_check"].interval_seconds == 1800
    d = daemon_for(project, config=limits)
    assert (d.config.daemon.max_concurrent_checks, d.config.daemon.check_timeout_seconds) == (2, 300)


def test_secrets_are_masked_in_config_show(project) -> None:
    d = daemon_for(project, environ={"AUTOCODE_API_TOKEN": "hunter2", "AUTOCODE__NOTIFICATIONS__SMTP_PASSWORD": "pw"})
    shown = str(config_data(d.config))
    assert "hunter2" not in shown and "'pw'" not in shown and "**********" in shown
    assert d.config.api.token.get_secret_value() == "hunter2"


def test_disable_plugins_from_config_and_env(project) -> None:
    (project / "autocode.toml").write_text("disable_plugins = ['doc_check']\n")
    assert daemon_for(project, environ={}).check_names == ["git_check", "test_check"]
    assert daemon_for(project, environ={"AUTOCODE_DISABLE_PLUGINS": "git_check"}).check_names == ["test_check"]


def test_typos_inside_optional_list_and_dict_models_are_warned(tmp_path) -> None:
    from typing import Any as _Any

    from pydantic import BaseModel

    from autocode_core import CheckPlugin, CheckResult
    from autocode_core.testing import AutocodeHarness

    class Inner(BaseModel):
        size: int = 1

    class Settings(BaseModel):
        maybe: Inner | None = None
        many: list[Inner] = []
        named: dict[str, Inner] = {}

    class Typed(CheckPlugin):
        name = "typed_check"
        settings_model = Settings

        def execute(self, context: _Any) -> CheckResult:
            return CheckResult(status="success", message="ok")

    h = AutocodeHarness()
    h.register(Typed)
    daemon = h.daemon(tmp_path, {"checks": {"typed_check": {
        "maybe": {"sise": 2}, "many": [{"size": 1}, {"szie": 3}], "named": {"a": {"siez": 4}},
    }}})
    warnings = [str(w) for w in daemon.project.resolved.warnings]
    for key in ("maybe.sise", "many.1.szie", "named.a.siez"):
        assert any(f"checks.typed_check.{key}: unknown key" in w for w in warnings), (key, warnings)
