"""``DocsConfig`` and ``DocIndexConfig`` validation."""

from __future__ import annotations

import pytest
from autocode_docs import DocIndexConfig, DocsConfig
from pydantic import ValidationError


def test_defaults_follow_the_seed():
    settings = DocsConfig()
    assert settings.docs_dir == "docs" and settings.directories is None
    assert settings.file_extensions == [".py"] and settings.history == "auto"
    assert settings.index == DocIndexConfig(
        enabled=True, auto_generate=True, output_path=".clinerules/docs_index.json"
    )


def test_extensions_and_folders_are_normalized():
    settings = DocsConfig(
        file_extensions=["py", ".js", "py"],
        docs_dir="/documentation/",
        directories=["./src/app/", "."],
    )
    assert settings.file_extensions == [".py", ".js"]
    assert settings.docs_dir == "documentation"
    assert settings.directories == ["src/app", ""]


@pytest.mark.parametrize(
    "bad",
    [
        {"file_extensions": []},
        {"file_extensions": ["."]},
        {"docs_dir": "."},
        {"docs_dir": "../docs"},
        {"directories": ["../elsewhere"]},
        {"history": "svn"},
        {"max_entries": -1},
        {"max_entries": 100_001},
    ],
)
def test_invalid_settings_are_rejected(bad):
    with pytest.raises(ValidationError):
        DocsConfig.model_validate(bad)


def test_unknown_keys_are_ignored_so_the_core_can_warn():
    settings = DocsConfig.model_validate({"enabled": False, "index": {"path": "x"}})
    assert not hasattr(settings, "enabled") and settings.index == DocIndexConfig()
