"""``assess``: one state per expected document plus orphans, sorted."""

from __future__ import annotations

import os

from autocode_docs.freshness import assess
from autocode_docs.history import MtimeHistory
from autocode_docs.layout import ProjectLayout
from autocode_docs.settings import DocsConfig


def make(tmp_path, files, times):
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    for rel, t in times.items():
        os.utime(tmp_path / rel, (t, t))


def test_states_are_complete_and_sorted(tmp_path):
    files = [
        "pkg/__init__.py",
        "pkg/a.py",
        "pkg/b.py",
        "docs/pkg/a.md",
        "docs/pkg/zz_old.md",
        "docs/_index.md",
    ]
    make(
        tmp_path,
        files,
        {
            "pkg/a.py": 100,
            "docs/pkg/a.md": 200,
            "pkg/b.py": 300,
            "pkg/__init__.py": 100,
            "docs/_index.md": 250,
        },
    )
    project = ProjectLayout.build(files, DocsConfig())
    states = assess(project, MtimeHistory(tmp_path), [f for f in files if f.startswith("docs/")])
    assert [(s.doc_path, s.doc_type, s.status) for s in states] == [
        ("docs/_index.md", "index", "outdated"),
        ("docs/pkg/_module.md", "module", "missing"),
        ("docs/pkg/a.md", "file", "up_to_date"),
        ("docs/pkg/b.md", "file", "missing"),
        ("docs/pkg/zz_old.md", "file", "orphaned"),
    ]
    assert [s.needs_attention for s in states] == [True, True, False, True, True]
    assert states[2].as_dict() == {
        "doc_path": "docs/pkg/a.md",
        "code_path": "pkg/a.py",
        "doc_type": "file",
        "status": "up_to_date",
        "commits_behind": None,
        "uncommitted_changes": False,
    }


def test_no_code_means_no_index_expected(tmp_path):
    make(tmp_path, ["docs/_index.md"], {})
    project = ProjectLayout.build(["docs/_index.md"], DocsConfig())
    assert assess(project, MtimeHistory(tmp_path), ["docs/_index.md"]) == []
