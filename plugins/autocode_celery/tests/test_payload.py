"""What a task carries: the code's location, never a secret of the daemon's configuration."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from autocode_celery.payload import task_payload, without_password
from autocode_celery.settings import CelerySettings, settings_problem

from autocode_core.config.models import AutocodeConfig
from autocode_core.plugin.loader import load_plugins
from autocode_core.run.executor import RunJob

from .conftest import SlowCheck

SECRETS = ["api-token-1", "hook-secret-2", "smtp-pass-3", "db-pass-4", "git-pass-5"]


def job_for(root: Path, config: AutocodeConfig) -> RunJob:
    entry = load_plugins(entry_points=False, plugins=[SlowCheck]).checks["slow_check"]
    return RunJob("run-1", entry, root, config, None, 30.0, None, "api", frozenset({"b.py", "a.py"}))


def test_no_secret_of_the_daemon_travels(git_repo) -> None:
    git_repo.write("data.txt", "x")
    git_repo.commit("c")
    git_repo.git("remote", "add", "origin", "https://bot:git-pass-5@git.example/team/shop.git")
    git_repo.write("data.txt", "changed")
    git_repo.write("new.txt", "untracked")
    config = AutocodeConfig.model_validate({
        "api": {"token": "api-token-1"},
        "notifications": {"webhook_url": "https://h/hook-secret-2", "smtp_password": "smtp-pass-3"},
        "history": {"url": "postgresql://u:db-pass-4@db/autocode"},
        "celery": {"broker_url": "redis://:db-pass-4@redis:6379/0"},
    })
    settings = CelerySettings(broker_url="redis://:db-pass-4@redis:6379/0", code="git")
    payload = task_payload(job_for(git_repo.path, config), settings)
    text = json.dumps(payload)
    assert not [s for s in SECRETS if s in text]
    location = payload["location"]
    assert location["url"] == "https://bot@git.example/team/shop.git"
    assert location["commit"] == git_repo.git("rev-parse", "HEAD").strip()
    assert "+changed" in location["patch"] and "+untracked" in location["patch"]
    assert payload["changed_paths"] == ["a.py", "b.py"] and payload["timeout_seconds"] == 30.0


def test_a_clean_tree_in_a_subfolder_sends_an_empty_patch(git_repo) -> None:
    git_repo.write("sub/data.txt", "x")
    git_repo.commit("c")
    settings = CelerySettings(code="git", repository_url="/srv/repo.git")
    payload = task_payload(job_for(git_repo.path / "sub", AutocodeConfig()), settings)
    assert payload["location"]["patch"] == "" and payload["location"]["subdir"] == "sub"


def test_path_locations_default_to_the_project_folder(tmp_path) -> None:
    payload = task_payload(job_for(tmp_path, AutocodeConfig()), CelerySettings())
    assert payload["location"] == {"kind": "path", "path": str(tmp_path)}
    mounted = task_payload(job_for(tmp_path, AutocodeConfig()), CelerySettings(path="/mnt/shop"))
    assert mounted["location"]["path"] == "/mnt/shop"


def test_bad_settings_name_the_key() -> None:
    settings, problem = settings_problem({"queue_wait_seconds": 0, "brokr_url": "x"})
    assert settings is None
    assert "celery.queue_wait_seconds" in problem and "celery.brokr_url" in problem


def test_without_password() -> None:
    assert without_password("https://u:p@h:8/x.git") == "https://u@h:8/x.git"
    assert without_password("git@host:team/x.git") == "git@host:team/x.git"
    assert subprocess.run(["git", "--version"], capture_output=True).returncode == 0
