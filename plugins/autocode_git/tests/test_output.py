"""The summary is written atomically and failures are clear."""

from __future__ import annotations

import json

import pytest
from autocode_git.output import write_json_atomically

from autocode_core import PluginError


def test_writes_utf8_json_and_creates_folders(tmp_path):
    target = tmp_path / "a" / "b" / "out.json"

    write_json_atomically(target, {"file": "ñandú"})

    assert json.loads(target.read_text(encoding="utf-8")) == {"file": "ñandú"}
    assert "ñandú" in target.read_text(encoding="utf-8")


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("previous")

    with pytest.raises(TypeError):
        write_json_atomically(target, {"bad": object()})

    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_folder_in_the_way_is_a_plugin_error(tmp_path):
    (tmp_path / "out.json").mkdir()

    with pytest.raises(PluginError, match="is a folder"):
        write_json_atomically(tmp_path / "out.json", {})
