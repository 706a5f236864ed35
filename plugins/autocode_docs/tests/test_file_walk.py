"""Listing files without git."""

from __future__ import annotations

from autocode_docs.file_walk import walk_files


def test_walk_skips_tool_folders_but_keeps_configured_hidden_ones(tmp_path):
    for rel in [
        "pkg/a.py",
        ".venv/lib/x.py",
        "node_modules/m/i.js",
        ".git/config",
        "pkg/__pycache__/a.pyc",
        ".tools/scripts/s.py",
        "ñ/ü.py",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert walk_files(tmp_path) == ["pkg/a.py", "ñ/ü.py"]
    assert walk_files(tmp_path, keep=[".tools/scripts"]) == [
        ".tools/scripts/s.py",
        "pkg/a.py",
        "ñ/ü.py",
    ]
