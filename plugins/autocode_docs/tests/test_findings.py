"""Findings of ``doc_check``: from a real run on a git repository, and from stored details."""

from __future__ import annotations

from autocode_docs.findings import findings_from_details
from autocode_docs.plugin import DocCheckPlugin


def test_a_real_run_names_outdated_missing_and_orphaned_documents(autocode, git_repo) -> None:
    git_repo.write("pkg/__init__.py", "")
    git_repo.write("pkg/a.py", "A = 1\n")
    git_repo.write("pkg/b.py", "B = 1\n")
    git_repo.write("docs/_index.md", "# Demo\n")
    git_repo.write("docs/pkg/_module.md", "# pkg\n")
    git_repo.write("docs/pkg/a.md", "# a\n")
    git_repo.write("docs/pkg/gone.md", "# gone\n")
    git_repo.commit("docs", date="2026-01-01T00:00:00Z")
    git_repo.write("pkg/a.py", "A = 2\n")
    git_repo.commit("change a", date="2026-01-02T00:00:00Z")
    autocode.register(DocCheckPlugin)

    result = autocode.run_check("doc_check", git_repo.path)

    by_kind = {f.kind: f for f in result.findings}
    assert set(by_kind) == {"outdated_doc", "missing_doc", "orphaned_doc"}
    outdated = by_kind["outdated_doc"]
    assert outdated.path == "docs/pkg/a.md" and outdated.data["code"] == "pkg/a.py"
    assert "pkg/a.py changed (1 commit since the document changed)" in outdated.message
    assert by_kind["missing_doc"].path == "pkg/b.py"
    assert by_kind["missing_doc"].data["doc"] == "docs/pkg/b.md"
    assert by_kind["orphaned_doc"].path == "docs/pkg/gone.md"
    assert all(f.severity == "warning" for f in result.findings)


def test_module_documents_and_collisions() -> None:
    details = {
        "entries": [
            {"doc_path": "docs/pkg/_module.md", "code_path": "pkg", "doc_type": "module",
             "status": "missing", "commits_behind": None, "uncommitted_changes": False},
            {"doc_path": "docs/x.md", "code_path": "x.py", "doc_type": "file",
             "status": "outdated", "commits_behind": None, "uncommitted_changes": True},
        ],
        "collisions": [{"doc_path": "docs/m.md", "code_paths": ["m.py", "m.pyx"]}],
    }
    module, outdated, collision = findings_from_details(details)
    assert module.path is None and module.data["doc"] == "docs/pkg/_module.md"
    assert outdated.message == "docs/x.md is outdated: x.py changed (uncommitted changes)"
    assert collision.kind == "doc_collision" and collision.data["code"] == ["m.py", "m.pyx"]


def test_entries_past_max_entries_are_counted() -> None:
    (finding,) = findings_from_details({"entries": [], "entries_truncated": 3})
    assert (finding.kind, finding.data) == ("not_listed", {"count": 3})


def test_unknown_documents_and_the_layout_hint_are_info_findings():
    details = {
        "entries": [],
        "counts": {"unknown": 3},
        "unknown": ["docs/a.md", "docs/b.md"],
        "history_note": "shallow clone: history stops at 1 commit(s)",
        "layout_hint": "only 0 of 3 code files have a document",
    }
    found = findings_from_details(details)
    assert [(f.kind, f.severity) for f in found] == [
        ("unknown_docs", "info"),
        ("layout_hint", "info"),
    ]
    assert found[0].data == {"count": 3, "docs": ["docs/a.md", "docs/b.md"]}
    assert "shallow clone" in found[0].message
