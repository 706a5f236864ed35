"""Settings: defaults, and an unknown model rejected by name."""

from __future__ import annotations

import subprocess
import sys

import pytest
from autocode_git import GitCheckConfig, TokenConfig
from pydantic import ValidationError


def test_defaults():
    settings = GitCheckConfig()

    assert settings.output_path == "git_changes.json"
    assert settings.tokens == TokenConfig(
        enabled=True, threshold=50000, model="gpt-4", encoding=None
    )
    assert settings.tokens.encoding_name == "cl100k_base"
    assert "*.lock" in settings.tokens.exclude and "package-lock.json" in settings.tokens.exclude


def test_unknown_model_names_the_model():
    with pytest.raises(ValidationError, match="unknown model 'gpt-nine'"):
        TokenConfig(model="gpt-nine")


def test_explicit_encoding_makes_the_model_a_label():
    config = TokenConfig(model="in-house-llm", encoding="o200k_base")

    assert config.encoding_name == "o200k_base"


def test_unknown_encoding_is_rejected():
    with pytest.raises(ValidationError, match="unknown tiktoken encoding 'nope'"):
        TokenConfig(encoding="nope")


def test_importing_the_package_does_not_import_git_or_tiktoken():
    code = (
        "import sys, autocode_git, autocode_git.plugin\n"
        "print(sorted(m for m in ('git', 'tiktoken') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "bad",
    [
        {"git_timeout_seconds": float("nan")},
        {"git_timeout_seconds": float("inf")},
        {"git_timeout_seconds": 0},
        {"git_timeout_seconds": 86_401},
        {"max_diff_bytes": -1},
        {"max_diff_bytes": 1_000_000_001},
        {"tokens": {"threshold": -1}},
        {"tokens": {"threshold": 1_000_000_001}},
        {"tokens": {"top_files": 1001}},
    ],
)
def test_every_number_has_bounds(bad):
    with pytest.raises(ValidationError):
        GitCheckConfig.model_validate(bad)


def test_bounds_allow_the_extremes():
    settings = GitCheckConfig.model_validate(
        {"git_timeout_seconds": 86_400, "max_diff_bytes": 10**9, "tokens": {"threshold": 10**9}}
    )
    assert settings.tokens.threshold == 10**9
