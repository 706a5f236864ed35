"""The plugin through the core: harness, configuration aliases, environment, entry point, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import autocode_docs
from autocode_docs.plugin import DocCheckPlugin
from autocode_docs.settings import DocCheckSettings, DocsConfig

from autocode_core import AutocodeDaemon, CheckSettings


def small_project(repo):
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "A = 1\n")
    repo.write("docs/_index.md", "# Demo\n")
    repo.write("docs/pkg/_module.md", "# pkg\n")
    repo.write("docs/pkg/a.md", "# a\n")
    repo.commit("all")


def test_declaration():
    config = DocCheckPlugin().get_config()
    assert config.name == "doc_check" and config.interval_minutes == 10
    assert config.settings_model is DocsConfig
    assert config.config_aliases == {"doc_index": "index"}
    assert set(config.env_vars) == {
        "AUTOCODE_DOC_INDEX_ENABLED",
        "AUTOCODE_DOC_INDEX_AUTO_GENERATE",
        "AUTOCODE_DOC_INDEX_PATH",
    }
    assert "enabled" not in DocsConfig.model_fields  # it would switch the whole check off
    assert autocode_docs.__all__ == [
        "DocCheckSettings",
        "DocIndexConfig",
        "DocIndexSettings",
        "DocsConfig",
    ]
    assert DocsConfig is DocCheckSettings and issubclass(DocCheckSettings, CheckSettings)
    assert config.description.isascii()
    assert DocCheckSettings().outputs() == [".clinerules/docs_index.json"]


def test_entry_point_is_registered():
    found = [ep for ep in entry_points(group="autocode") if ep.name == "doc_check"]
    assert len(found) == 1 and found[0].load() is DocCheckPlugin


def test_run_through_the_daemon(autocode, git_repo):
    small_project(git_repo)
    autocode.register(DocCheckPlugin)
    result = autocode.run_check("doc_check", git_repo.path)
    assert result.status == "success" and result.check_name == "doc_check"
    assert result.details["history"] == "git"
    assert (git_repo.path / ".clinerules/docs_index.json").is_file()
    git_repo.write("pkg/a.py", "A = 2\n")
    warned = autocode.run_check("doc_check", git_repo.path, settings={"index": {"enabled": False}})
    assert warned.status == "warning" and warned.message == "⚠️ 3 documents need attention"


def test_seed_config_location_doc_index(autocode, git_repo):
    small_project(git_repo)
    autocode.register(DocCheckPlugin)
    result = autocode.run_check(
        "doc_check", git_repo.path, config={"doc_index": {"output_path": "out/idx.json"}}
    )
    assert result.details["index"]["path"] == "out/idx.json"
    assert (git_repo.path / "out/idx.json").is_file()


def test_seed_environment_variables(git_repo):
    small_project(git_repo)
    environ = {
        "AUTOCODE_DOC_INDEX_PATH": "env/idx.json",
        "AUTOCODE_DOC_INDEX_AUTO_GENERATE": "true",
    }
    daemon = AutocodeDaemon(
        git_repo.path, plugins=[DocCheckPlugin], load_entry_points=False, environ=environ
    )
    result = daemon.run_check_manually("doc_check")
    assert result.details["index"]["path"] == "env/idx.json"
    disabled = AutocodeDaemon(
        git_repo.path,
        plugins=[DocCheckPlugin],
        load_entry_points=False,
        environ={"AUTOCODE_DOC_INDEX_ENABLED": "false"},
    )
    assert "doc_check" in disabled.enabled_checks()  # only the index is off, not the check
    assert disabled.run_check_manually("doc_check").details["index"]["reason"] == "index disabled"


def test_error_result_when_the_check_cannot_run(autocode, tmp_path):
    autocode.register(DocCheckPlugin)
    result = autocode.run_check("doc_check", tmp_path, settings={"history": "git"})
    assert result.status == "error" and result.message.startswith("❌ ")
    assert "not in a git work tree" in result.message


def test_cli_check_doc_check(git_repo):
    small_project(git_repo)
    cli = Path(sys.executable).with_name("autocode")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCODE_")}
    done = subprocess.run(
        [str(cli), "check", "doc_check", "--format", "json"],
        cwd=git_repo.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "All documentation is up to date" in done.stdout
    assert (
        json.loads((git_repo.path / ".clinerules/docs_index.json").read_text())["project_name"]
        == "Demo"
    )


def test_importing_the_package_is_cheap():
    code = (
        "import sys, autocode_docs; "
        "print(sorted(m for m in ('pathspec', 'autocode_docs.git_snapshot', 'autocode_docs.plugin')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_custom_docs_folder_and_extensions(autocode, git_repo):
    git_repo.write("web/app.js", "")
    git_repo.write("web/lib/util.js", "")
    git_repo.write("documentation/_index.md", "# Web\n")
    git_repo.write("documentation/web/app.md", "# app\n")
    git_repo.commit("all")
    autocode.register(DocCheckPlugin)
    settings = {"docs_dir": "documentation", "file_extensions": ["js"], "index": {"enabled": False}}
    result = autocode.run_check("doc_check", git_repo.path, settings=settings)
    assert [e["doc_path"] for e in result.details["entries"]] == [
        "documentation/web/_module.md",
        "documentation/web/lib/_module.md",
        "documentation/web/lib/util.md",
    ]


def test_an_unknown_key_is_a_warning_naming_file_and_key_not_an_error(git_repo):
    import structlog

    (git_repo.path / "autocode.toml").write_text("[checks.doc_check]\nbogus = 1\n[doc_index]\nbogus = 2\n")

    with structlog.testing.capture_logs() as logs:
        daemon = AutocodeDaemon(
            git_repo.path, plugins=[DocCheckPlugin], load_entry_points=False, environ={}
        )

    source = str(git_repo.path / "autocode.toml")
    problems = sorted(e["problem"] for e in logs if e["event"] == "config_warning")
    assert problems == [
        f"{source}: checks.doc_check.bogus: unknown key, ignored",
        f"{source}: doc_index.bogus: unknown key, ignored",
    ]
    assert daemon.settings_for("doc_check") == DocCheckSettings()
