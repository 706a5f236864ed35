"""``git_check`` through the real daemon path: results, own outputs, configuration."""

from __future__ import annotations

import json
import os

import pytest
import structlog
from autocode_git import GitCheckConfig, GitCheckSettings, TokenConfig
from autocode_git.plugin import TOKEN_CACHE_NAME, GitCheckPlugin
from pydantic import Field

from autocode_core import AutocodeDaemon, CheckPlugin, CheckResult, CheckSettings, ConfigError
from autocode_core.testing import make_git_repo


class DocsIndexSettings(CheckSettings):
    output_path: str = ".clinerules/docs_index.json"


class DocsSettings(CheckSettings):
    index: DocsIndexSettings = Field(default_factory=DocsIndexSettings)

    def outputs(self) -> list[str]:
        return [self.index.output_path]


class FakeDocCheck(CheckPlugin[DocsSettings]):
    """Stands for the docs plugin: a check that declares the file it writes."""

    name = "doc_check"
    settings_model = DocsSettings

    def execute(self, context):
        return CheckResult(status="success", message="ok")


def test_plugin_declares_the_check():
    config = GitCheckPlugin().get_config()
    assert config.name == "git_check"
    assert config.interval_minutes == 5
    assert config.settings_model is GitCheckConfig
    assert config.config_aliases == {"daemon.token_alerts": "tokens"}
    assert config.env_vars == {
        "AUTOCODE_TOKEN_THRESHOLD": "tokens.threshold",
        "AUTOCODE_TOKEN_MODEL": "tokens.model",
    }
    assert "enabled" not in GitCheckConfig.model_fields
    assert GitCheckConfig is GitCheckSettings and issubclass(GitCheckSettings, CheckSettings)
    assert config.description.isascii()
    assert GitCheckSettings(output_path="out/x.json").outputs() == ["out/x.json"]


def test_no_changes_is_success(git_repo, run_git_check):
    git_repo.write("a.txt", "a\n")
    git_repo.commit("base")

    result, summary = run_git_check(git_repo.path)

    assert result.status == "success"
    assert result.message == "✅ No changes detected"
    assert summary["repository_status"]["total_files"] == 0
    assert result.details["tokens"]["total"] == 0


def test_changes_give_a_warning_with_counts(git_repo, run_git_check):
    git_repo.write("a.txt", "a\n")
    git_repo.write("b.txt", "b\n")
    git_repo.commit("base")
    git_repo.write("a.txt", "changed\n")
    git_repo.git("rm", "-q", "b.txt")
    git_repo.write("c.txt", "new\n")

    result, _ = run_git_check(git_repo.path)

    assert result.status == "warning"
    assert result.message == "📊 3 files changed (1 modified, 1 deleted, 1 untracked)"
    assert result.details["repository_status"]["total_files"] == 3
    assert result.details["files"] == ["a.txt", "b.txt", "c.txt"]
    assert result.details["tokens"]["encoding"] == "cl100k_base"
    assert result.details["tokens"]["exact"] is True


def test_token_alert_lists_the_costliest_files(git_repo, run_git_check):
    git_repo.write("big.py", "".join(f"value_{i} = compute({i}, 'text')\n" for i in range(300)))
    git_repo.write("small.py", "x = 1\n")
    git_repo.write("mid.py", "".join(f"y{i} = {i}\n" for i in range(30)))

    result, summary = run_git_check(
        git_repo.path, settings={"tokens": {"threshold": 100, "top_files": 2}}
    )

    tokens = result.details["tokens"]
    assert result.status == "warning"
    assert result.message == f"⚠️ TOKEN ALERT: {tokens['total']} > 100 tokens"
    assert tokens["over_threshold"] is True
    assert [f["file"] for f in tokens["top_files"]] == ["big.py", "mid.py"]
    assert tokens["total"] == sum(c["tokens"] for c in summary["changes"])
    assert summary["tokens"]["top_files"] == tokens["top_files"]


def test_details_stay_small_and_hold_no_diffs(git_repo, run_git_check):
    for i in range(120):
        git_repo.write(f"f{i:03}.txt", "payload line\n" * 50)

    result, summary = run_git_check(git_repo.path)

    text = json.dumps(result.details)
    assert "payload line" not in text and '"diff"' not in text
    assert len(text) < 8000
    assert len(result.details["files"]) == 50 and result.details["files_omitted"] == 70
    assert len(summary["changes"]) == 120


def test_not_a_repository_is_an_error_result(tmp_path, run_git_check):
    (tmp_path / "plain").mkdir()

    result, summary = run_git_check(tmp_path / "plain")

    assert result.status == "error"
    assert result.message.startswith("❌") and "not a git repository" in result.message
    assert summary is None


def test_never_reports_its_own_outputs(git_repo, autocode, run_git_check):
    autocode.register(FakeDocCheck)
    git_repo.write("real.txt", "r\n")
    git_repo.write(".clinerules/docs_index.json", "{}\n")
    git_repo.write(".clinerules/rules.md", "keep me\n")
    git_repo.write(".autocode/state.json", "{}\n")
    git_repo.write("out/changes.json", "{}\n")

    settings = {"output_path": "out/changes.json"}
    _, first = run_git_check(git_repo.path, settings=settings)
    _, second = run_git_check(git_repo.path, settings=settings)

    assert first["modified_files"] == [".clinerules/rules.md", "real.txt"]
    assert second["modified_files"] == first["modified_files"]


def test_tracked_summary_file_is_not_reported_either(git_repo, run_git_check):
    git_repo.write("git_changes.json", "{}\n")
    git_repo.commit("someone committed the summary")

    result, _ = run_git_check(git_repo.path)

    assert result.status == "success"


def test_summary_is_replaced_atomically(git_repo, run_git_check):
    git_repo.write("a.txt", "a\n")
    (git_repo.path / "git_changes.json").write_text("old content")

    run_git_check(git_repo.path)

    assert json.loads((git_repo.path / "git_changes.json").read_text())["modified_files"] == [
        "a.txt"
    ]
    assert [p.name for p in git_repo.path.iterdir() if p.name.endswith(".tmp")] == []


def test_summary_file_has_the_documented_shape(git_repo, run_git_check):
    git_repo.write("a.txt", "a\n")

    _, summary = run_git_check(git_repo.path)

    assert list(summary) == [
        "timestamp",
        "repository",
        "repository_status",
        "modified_files",
        "excluded_files",
        "tokens",
        "changes",
    ]
    assert set(summary["repository_status"]) >= {
        "total_files",
        "modified",
        "added",
        "deleted",
        "untracked",
        "renamed",
    }
    (change,) = summary["changes"]
    assert set(change) >= {
        "file",
        "status",
        "staged",
        "additions",
        "deletions",
        "diff",
        "binary",
        "tokens",
        "diff_truncated",
    }


def test_token_counting_can_be_turned_off(git_repo, run_git_check):
    git_repo.write("a.txt", "a\n")

    result, summary = run_git_check(
        git_repo.path, settings={"tokens": {"enabled": False, "threshold": 0}}
    )

    assert summary["tokens"] is None and "tokens" not in result.details
    assert result.message.startswith("📊")


def test_unknown_model_is_a_configuration_error_naming_it(git_repo, autocode, run_git_check):
    with pytest.raises(ConfigError) as caught:
        autocode.daemon(git_repo.path, {"checks": {"git_check": {"tokens": {"model": "gpt-nine"}}}})

    (problem,) = caught.value.problems
    assert "checks.git_check.tokens.model" in problem and "'gpt-nine'" in problem


def test_historical_location_daemon_token_alerts(git_repo, autocode, run_git_check):
    daemon = autocode.daemon(
        git_repo.path, {"daemon": {"token_alerts": {"threshold": 123, "model": "gpt-4o"}}}
    )

    settings = daemon.settings_for("git_check")
    assert settings.tokens == TokenConfig(threshold=123, model="gpt-4o")


def test_environment_variables(git_repo):
    env = {"AUTOCODE_TOKEN_THRESHOLD": "777", "AUTOCODE_TOKEN_MODEL": "gpt-4o"}
    daemon = AutocodeDaemon(
        git_repo.path, plugins=[GitCheckPlugin], load_entry_points=False, environ=env
    )

    assert daemon.settings_for("git_check").tokens.threshold == 777
    assert daemon.settings_for("git_check").tokens.model == "gpt-4o"


def test_unknown_model_from_the_environment_names_the_variable(git_repo):
    with pytest.raises(ConfigError) as caught:
        AutocodeDaemon(
            git_repo.path,
            plugins=[GitCheckPlugin],
            load_entry_points=False,
            environ={"AUTOCODE_TOKEN_MODEL": "no-such-model"},
        )

    assert "AUTOCODE_TOKEN_MODEL" in str(caught.value) and "no-such-model" in str(caught.value)


def test_a_folder_in_the_way_of_the_summary_is_an_error_result(git_repo, run_git_check):
    git_repo.write("a.txt", "a\n")
    (git_repo.path / "out.json").mkdir()

    result = run_git_check.autocode.run_check(
        "git_check", git_repo.path, settings={"output_path": "out.json"}
    )

    assert result.status == "error" and "is a folder" in result.message
    assert [p.name for p in git_repo.path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_token_cache_lives_in_the_checks_state_folder(git_repo, run_git_check):
    git_repo.write("a.txt", "a\n")

    first, _ = run_git_check(git_repo.path)
    second, _ = run_git_check(git_repo.path)

    cache = git_repo.path / ".autocode" / "checks" / "git_check" / TOKEN_CACHE_NAME
    assert json.loads(cache.read_text())["version"] == 1
    assert first.details["tokens"]["counted_now"] == 1
    assert second.details["tokens"]["counted_now"] == 0
    assert second.details["tokens"]["cache_hits"] == 1


def test_git_hook_variables_do_not_redirect_the_check(tmp_path, monkeypatch, run_git_check):
    """As when ``autocode check`` runs from a hook of another repository."""
    other = make_git_repo(tmp_path / "other")
    other.write("other.txt", "o\n")
    other.commit("other")
    other.write("other.txt", "changed in the other repository\n")
    project = make_git_repo(tmp_path / "project")
    project.write("mine.txt", "m\n")
    monkeypatch.setenv("GIT_DIR", os.fspath(other.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", os.fspath(other.path))
    monkeypatch.setenv("GIT_INDEX_FILE", os.fspath(other.path / ".git" / "index"))

    result, summary = run_git_check(project.path)

    assert summary["modified_files"] == ["mine.txt"], result.message


@pytest.mark.parametrize("key", ["bogus", "tokens.bogus"])
def test_an_unknown_key_is_a_warning_naming_file_and_key_not_an_error(git_repo, key):
    section, _, name = key.rpartition(".")
    table = "checks.git_check" + (f".{section}" if section else "")
    (git_repo.path / "autocode.toml").write_text(f"[{table}]\n{name} = 1\n")

    with structlog.testing.capture_logs() as logs:
        daemon = AutocodeDaemon(
            git_repo.path, plugins=[GitCheckPlugin], load_entry_points=False, environ={}
        )

    problems = [e["problem"] for e in logs if e["event"] == "config_warning"]
    source = str(git_repo.path / "autocode.toml")
    assert problems == [f"{source}: checks.git_check.{key}: unknown key, ignored"]
    assert daemon.settings_for("git_check") == GitCheckSettings()
