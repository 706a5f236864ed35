"""The files autocode writes, found in every check's settings."""

from __future__ import annotations

from pathlib import Path

from autocode_git import GitCheckConfig
from autocode_git.own_outputs import own_output_paths
from pydantic import BaseModel

from autocode_core import AutocodeConfig


class Inner(BaseModel):
    output_path: str = ".clinerules/docs_index.json"


class Outer(BaseModel):
    index: Inner = Inner()
    reports: list[Inner] = [Inner(output_path="reports/a.json")]


def test_collects_own_state_and_other_checks_outputs(tmp_path):
    config = AutocodeConfig(
        checks={"doc_check": Outer(), "raw": {"nested": {"output_path": "raw.json"}}}
    )
    config.daemon.state_dir = "var/state"

    found = own_output_paths(tmp_path, GitCheckConfig(output_path="out/changes.json"), config)

    assert found == [
        ".autocode",
        ".clinerules/docs_index.json",
        "out/changes.json",
        "raw.json",
        "reports/a.json",
        "var/state",
    ]


def test_absolute_paths_inside_and_outside_the_project(tmp_path: Path):
    settings = GitCheckConfig(output_path=str(tmp_path / "sub" / "x.json"))
    config = AutocodeConfig(checks={"other": {"output_path": "/elsewhere/y.json"}})

    assert own_output_paths(tmp_path, settings, config) == [".autocode", "sub/x.json"]
