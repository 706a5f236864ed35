"""The docs index: contents, and atomic writes only when something changed."""

from __future__ import annotations

import json
import os
import stat

from autocode_docs.doc_check import check_docs
from autocode_docs.docs_index import build_docs_index, write_docs_index
from autocode_docs.settings import DocsConfig

INDEX = ".clinerules/docs_index.json"


def docs_project(repo):
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "A = 1\n")
    repo.write("docs/_index.md", "# Mi Proyecto\n\n## 🎯 Propósito\nHacer **cosas** útiles.\n")
    repo.write(
        "docs/pkg/_module.md", "# pkg\n\n## 🎯 Propósito del Módulo\n\nEl paquete *principal*.\n"
    )
    repo.write("docs/pkg/a.md", "# a\n\n## Purpose\nThe `a` constant.\n")
    repo.write("docs/pkg/notes/b.md", "# b without purpose\n")
    return repo.commit("all", date="2026-01-02T03:04:05Z")


def read_index(path):
    return json.loads((path / INDEX).read_text(encoding="utf-8"))


def test_index_content_from_git(git_repo):
    docs_project(git_repo)
    result = check_docs(git_repo.path, DocsConfig())
    assert result.details["index"]["written"] is True
    data = read_index(git_repo.path)
    assert data["project_name"] == "Mi Proyecto"
    assert data["documentation_stats"] == {
        "total_files": 2,
        "total_modules": 2,
        "total_directories": 2,
        "total_purposes_found": 3,
    }
    root = data["structure"]["docs/"]
    assert root["type"] == "root" and root["index_file"] == "docs/_index.md"
    assert root["purpose"] == "Hacer cosas útiles."
    assert root["last_modified"] == "2026-01-02T03:04:05+00:00"
    pkg = root["subdirectories"]["docs/pkg/"]
    assert pkg["type"] == "module" and pkg["purpose"] == "El paquete principal."
    assert pkg["files"]["docs/pkg/a.md"] == {
        "type": "file_doc",
        "purpose": "The a constant.",
        "last_modified": "2026-01-02T03:04:05+00:00",
    }
    notes = pkg["subdirectories"]["docs/pkg/notes/"]
    assert notes["type"] == "directory"
    assert notes["files"]["docs/pkg/notes/b.md"]["purpose"] is None
    assert data["config"]["output_path"] == INDEX


def test_written_only_when_content_changes(git_repo):
    docs_project(git_repo)
    check_docs(git_repo.path, DocsConfig())
    target = git_repo.path / INDEX
    before = target.stat().st_mtime_ns
    again = check_docs(git_repo.path, DocsConfig())
    assert again.details["index"]["written"] is False
    assert target.stat().st_mtime_ns == before
    git_repo.write("docs/pkg/a.md", "# a\n\n## Purpose\nA new purpose.\n")
    third = check_docs(git_repo.path, DocsConfig())
    assert third.details["index"]["written"] is True
    data = read_index(git_repo.path)
    entry = data["structure"]["docs/"]["subdirectories"]["docs/pkg/"]["files"]["docs/pkg/a.md"]
    assert entry["purpose"] == "A new purpose." and entry["uncommitted"] is True
    assert [p.name for p in target.parent.iterdir()] == ["docs_index.json"]  # no temp files left


def test_atomic_write_keeps_mode_and_replaces_garbage(tmp_path):
    target = tmp_path / "out" / "index.json"
    assert write_docs_index(target, {"timestamp": "t1", "a": 1}) is True
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    os.chmod(target, 0o664)
    assert write_docs_index(target, {"timestamp": "t2", "a": 1}) is False
    assert json.loads(target.read_text())["timestamp"] == "t1"
    assert write_docs_index(target, {"timestamp": "t3", "a": 2}) is True
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    target.write_text("not json")
    assert write_docs_index(target, {"timestamp": "t4", "a": 2}) is True


def test_disabled_or_not_auto_generated_or_moved(git_repo):
    docs_project(git_repo)
    off = check_docs(git_repo.path, DocsConfig.model_validate({"index": {"enabled": False}}))
    assert off.details["index"]["reason"] == "index disabled"
    manual = check_docs(
        git_repo.path, DocsConfig.model_validate({"index": {"auto_generate": False}})
    )
    assert manual.details["index"]["reason"] == "auto_generate is off"
    assert not (git_repo.path / ".clinerules").exists()
    moved = check_docs(
        git_repo.path, DocsConfig.model_validate({"index": {"output_path": "build/idx.json"}})
    )
    assert moved.details["index"]["path"] == "build/idx.json"
    assert (git_repo.path / "build/idx.json").is_file()


def test_mtime_mode_index_and_default_project_name(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/guide.md").write_text("no title\n")
    data = build_docs_index(
        tmp_path, "docs", ["docs/guide.md", "README.md"], lambda d: "2026-01-01T00:00:00+00:00"
    )
    assert data["project_name"] == tmp_path.name
    assert (
        data["structure"]["docs/"]["files"]["docs/guide.md"]["last_modified"]
        == "2026-01-01T00:00:00+00:00"
    )
    assert data["structure"]["docs/"]["type"] == "root"
