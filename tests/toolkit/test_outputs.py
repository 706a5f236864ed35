"""Declared outputs: what checks write into the project, found without knowing field names."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from autocode_core import AutocodeConfig, CheckSettings
from autocode_core.testing import make_context
from autocode_core.toolkit import autocode_outputs, declared_outputs


class IndexSettings(CheckSettings):
    index_path: str = ".clinerules/docs_index.json"

    def outputs(self) -> list[str]:
        return [self.index_path]


class ReportsSettings(CheckSettings):
    reports: list[str] = Field(default_factory=lambda: ["reports/a.json", "reports/b.json"])

    def outputs(self) -> list[str]:
        return list(self.reports)


class SummarySettings(CheckSettings):
    output_path: str = "git_changes.json"

    def outputs(self) -> list[str]:
        return [self.output_path]


class Undeclared(BaseModel):
    output_path: str = "not/declared.json"  # a field name alone declares nothing


def test_declared_outputs_by_check() -> None:
    checks = {"docs": IndexSettings(), "reports": ReportsSettings(), "quiet": CheckSettings(), "x": None}

    assert declared_outputs(checks) == {
        "docs": [".clinerules/docs_index.json"],
        "reports": ["reports/a.json", "reports/b.json"],
        "quiet": [],
    }


def test_collects_the_state_folder_other_checks_and_its_own_outputs(tmp_path: Path) -> None:
    config = AutocodeConfig(
        checks={"docs": IndexSettings(), "reports": ReportsSettings(), "raw": Undeclared()}
    )
    config.daemon.state_dir = "var/state"
    settings = SummarySettings(output_path="out/changes.json")

    found = autocode_outputs(make_context("summary", tmp_path, settings, config=config))

    assert found == [
        ".clinerules/docs_index.json",
        "out/changes.json",
        "reports/a.json",
        "reports/b.json",
        "var/state",
    ]


def test_absolute_paths_inside_and_outside_the_project(tmp_path: Path) -> None:
    settings = SummarySettings(output_path=str(tmp_path / "sub" / "x.json"))
    config = AutocodeConfig(checks={"other": IndexSettings(index_path="/elsewhere/y.json")})

    found = autocode_outputs(make_context("summary", tmp_path, settings, config=config))

    assert found == [".autocode", "sub/x.json"]
