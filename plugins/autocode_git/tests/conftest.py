"""Shared fixtures of the autocode-git tests: real repositories, the real daemon path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from autocode_git.plugin import GitCheckPlugin


class GitCheckRun:
    """Runs ``git_check`` through the core's harness and reads what it wrote."""

    def __init__(self, autocode: Any) -> None:
        self.autocode = autocode
        autocode.register(GitCheckPlugin)

    def __call__(
        self,
        root: Path,
        settings: dict[str, Any] | None = None,
        config: dict[str, Any] | None = None,
    ):
        result = self.autocode.run_check("git_check", root, settings=settings, config=config)
        output = root / ((settings or {}).get("output_path") or "git_changes.json")
        summary = json.loads(output.read_text(encoding="utf-8")) if output.exists() else None
        return result, summary

    @staticmethod
    def by_file(summary: dict[str, Any]) -> dict[tuple[str, bool], dict[str, Any]]:
        """The summary's changes keyed by ``(file, staged)``."""
        return {(c["file"], c["staged"]): c for c in summary["changes"]}


@pytest.fixture
def run_git_check(autocode: Any) -> GitCheckRun:
    """``run_git_check(root, settings=None, config=None) -> (CheckResult, summary dict | None)``."""
    return GitCheckRun(autocode)
