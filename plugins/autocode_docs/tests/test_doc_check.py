"""End to end: ``check_docs`` on real temporary git repositories and plain folders."""

from __future__ import annotations

import os
import time

import pytest
from autocode_docs.doc_check import check_docs
from autocode_docs.settings import DocsConfig

from autocode_core import PluginError

NO_INDEX = {"index": {"enabled": False}}


def run(path, **settings):
    return check_docs(path, DocsConfig.model_validate({**NO_INDEX, **settings}))


def by_doc(result):
    return {e["doc_path"]: e for e in result.details["entries"]}


def documented_project(repo):
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "A = 1\n")
    repo.write("pkg/b.py", "B = 1\n")
    repo.commit("code")
    repo.write("docs/_index.md", "# Project\n")
    repo.write("docs/pkg/_module.md", "# pkg\n")
    repo.write("docs/pkg/a.md", "# a\n")
    repo.write("docs/pkg/b.md", "# b\n")
    repo.commit("docs")


def test_all_up_to_date(git_repo):
    documented_project(git_repo)
    result = run(git_repo.path)
    assert result.status == "success"
    assert result.message == "✅ All documentation is up to date!"
    assert result.details["history"] == "git"
    assert result.details["counts"] == {
        "up_to_date": 4,
        "outdated": 0,
        "missing": 0,
        "orphaned": 0,
        "unknown": 0,
        "topic": 0,
        "collisions": 0,
    }
    assert result.details["entries"] == []
    assert result.details["git_calls"] <= 7


def test_code_committed_after_its_doc_is_outdated_with_distance(git_repo):
    documented_project(git_repo)
    git_repo.write("pkg/a.py", "A = 2\n")
    git_repo.commit("change a")
    git_repo.write("pkg/a.py", "A = 3\n")
    git_repo.commit("change a again")
    result = run(git_repo.path)
    assert result.status == "warning"
    assert result.message == "⚠️ 3 documents need attention"
    entries = by_doc(result)
    assert entries["docs/pkg/a.md"] == {
        "doc_path": "docs/pkg/a.md",
        "code_path": "pkg/a.py",
        "doc_type": "file",
        "status": "outdated",
        "commits_behind": 2,
        "uncommitted_changes": False,
    }
    assert entries["docs/pkg/_module.md"]["commits_behind"] == 2
    assert entries["docs/pkg/_module.md"]["code_path"] == "pkg"
    assert entries["docs/_index.md"]["code_path"] == "."
    assert "docs/pkg/b.md" not in entries
    git_repo.write("docs/pkg/a.md", "# a\nupdated\n")
    git_repo.write("docs/pkg/_module.md", "# pkg\nupdated\n")
    git_repo.write("docs/_index.md", "# Project\nupdated\n")
    git_repo.commit("docs caught up")
    assert run(git_repo.path).status == "success"


def test_code_and_doc_in_the_same_commit_is_up_to_date(git_repo):
    documented_project(git_repo)
    git_repo.write("pkg/a.py", "A = 2\n")
    git_repo.write("docs/pkg/a.md", "# a\nv2\n")
    git_repo.commit("both")
    assert "docs/pkg/a.md" not in by_doc(run(git_repo.path))


def test_uncommitted_code_edit_makes_doc_outdated_and_uncommitted_doc_edit_catches_up(git_repo):
    documented_project(git_repo)
    git_repo.write("pkg/a.py", "A = 2\n")
    entry = by_doc(run(git_repo.path))["docs/pkg/a.md"]
    assert entry["status"] == "outdated"
    assert entry["commits_behind"] == 0 and entry["uncommitted_changes"] is True
    git_repo.write("docs/pkg/a.md", "# a\nbeing edited\n")
    assert "docs/pkg/a.md" not in by_doc(run(git_repo.path))


def test_touch_checkout_and_formatter_do_not_flip_statuses(git_repo):
    documented_project(git_repo)
    git_repo.write("pkg/b.py", "B = 2\n")
    git_repo.commit("b changed")
    before = run(git_repo.path).details
    future = time.time() + 3600
    os.utime(git_repo.path / "pkg/a.py", (future, future))  # touch
    (git_repo.path / "docs/pkg/b.md").touch()  # touching the stale doc does not fix it
    (git_repo.path / "pkg/b.py").unlink()
    git_repo.git("checkout", "--", "pkg/b.py")  # checkout rewrites the file
    text = (git_repo.path / "pkg/__init__.py").read_text()
    (git_repo.path / "pkg/__init__.py").write_text(text)  # formatter with nothing to change
    after = run(git_repo.path).details
    assert after["entries"] == before["entries"]
    assert by_doc(run(git_repo.path))["docs/pkg/b.md"]["status"] == "outdated"


def test_renamed_code_with_its_doc_stays_up_to_date(git_repo):
    git_repo.write("pkg/__init__.py", "")
    git_repo.write("pkg/old.py", "".join(f"v{i} = {i}\n" for i in range(30)))
    git_repo.write("docs/_index.md", "# P\n")
    git_repo.write("docs/pkg/_module.md", "# pkg\n")
    git_repo.write("docs/pkg/old.md", "# old\n" + "".join(f"line {i}\n" for i in range(30)))
    git_repo.commit("all")
    git_repo.git("mv", "pkg/old.py", "pkg/new.py")
    git_repo.git("mv", "docs/pkg/old.md", "docs/pkg/new.md")
    git_repo.commit("rename both")
    entries = by_doc(run(git_repo.path))
    assert "docs/pkg/new.md" not in entries  # a pure rename is not a content change
    assert entries["docs/pkg/_module.md"]["status"] == "outdated"  # the folder did change


def test_renamed_code_alone_orphans_the_old_doc(git_repo):
    documented_project(git_repo)
    git_repo.git("mv", "pkg/a.py", "pkg/renamed.py")
    git_repo.commit("rename code only")
    entries = by_doc(run(git_repo.path))
    assert entries["docs/pkg/a.md"]["status"] == "orphaned"
    assert entries["docs/pkg/a.md"]["code_path"] == "pkg/a.py"
    assert entries["docs/pkg/renamed.md"]["status"] == "missing"


def test_doc_renamed_after_code_change_is_still_behind(git_repo):
    documented_project(git_repo)
    git_repo.write("pkg/a.py", "A = 2\n")
    git_repo.commit("code")
    git_repo.write("pkg/c.py", "C = 1\n")
    git_repo.write("docs/pkg/c.md", "# c\n" + "".join(f"line {i}\n" for i in range(30)))
    git_repo.commit("c")
    git_repo.write("pkg/c.py", "C = 2\n")
    git_repo.commit("c changed")
    git_repo.git("mv", "pkg/c.py", "pkg/d.py")
    git_repo.git("mv", "docs/pkg/c.md", "docs/pkg/d.md")
    git_repo.commit("move c to d")
    entry = by_doc(run(git_repo.path))["docs/pkg/d.md"]
    assert entry["status"] == "outdated" and entry["commits_behind"] == 1


def test_deleted_code_orphans_docs_committed_or_not(git_repo):
    documented_project(git_repo)
    git_repo.write("pkg/sub/__init__.py", "")
    git_repo.write("docs/pkg/sub/_module.md", "# sub\n")
    git_repo.commit("sub")
    git_repo.git("rm", "-q", "-r", "pkg/sub")
    git_repo.commit("drop sub")
    (git_repo.path / "pkg/b.py").unlink()  # not committed
    entries = by_doc(run(git_repo.path))
    assert entries["docs/pkg/sub/_module.md"]["status"] == "orphaned"
    assert entries["docs/pkg/sub/_module.md"]["doc_type"] == "module"
    assert entries["docs/pkg/b.md"]["status"] == "orphaned"
    assert entries["docs/pkg/_module.md"]["uncommitted_changes"] is True
    assert entries["docs/_index.md"]["status"] == "outdated"


def test_new_untracked_code_is_missing_and_moves_its_module_but_not_the_index(git_repo):
    documented_project(git_repo)
    git_repo.write("pkg/fresh.py", "F = 1\n")
    entries = by_doc(run(git_repo.path))
    assert entries["docs/pkg/fresh.md"]["status"] == "missing"
    assert entries["docs/pkg/_module.md"]["status"] == "outdated"
    assert "docs/_index.md" not in entries  # the index follows tracked code only


def test_nested_packages_and_src_layout(git_repo):
    git_repo.write("src/lib/__init__.py", "")
    git_repo.write("src/lib/core/__init__.py", "")
    git_repo.write("src/lib/core/engine.py", "E = 1\n")
    git_repo.write("tests/test_engine.py", "def test(): pass\n")
    git_repo.commit("code")
    result = run(git_repo.path)
    assert sorted(by_doc(result)) == [
        "docs/_index.md",
        "docs/src/lib/_module.md",
        "docs/src/lib/core/_module.md",
        "docs/src/lib/core/engine.md",
    ]
    assert result.details["code_dirs"] == ["src/lib"]


def test_non_ascii_file_names(git_repo):
    git_repo.write("paquete/__init__.py", "")
    git_repo.write("paquete/configuración.py", "X = 1\n")
    git_repo.write("docs/paquete/configuración.md", "# c\n")
    git_repo.commit("one")
    git_repo.write("paquete/configuración.py", "X = 2\n")
    git_repo.commit("two")
    entry = by_doc(run(git_repo.path))["docs/paquete/configuración.md"]
    assert entry["status"] == "outdated" and entry["commits_behind"] == 1


def test_excluded_and_ignored_folders(git_repo):
    git_repo.write(".gitignore", "ignored/\n")
    git_repo.write("pkg/__init__.py", "")
    git_repo.write("pkg/ignored/x.py", "")
    git_repo.write("pkg/.venv/site.py", "")
    git_repo.write("pkg/node_modules/n.py", "")
    git_repo.write("pkg/build/b.py", "")
    git_repo.write("pkg/vendor/v.py", "")
    git_repo.write("pkg/keep.py", "")
    git_repo.commit("code")
    result = run(git_repo.path, exclude=["vendor/"])
    assert [e["doc_path"] for e in result.details["entries"] if e["doc_type"] == "file"] == [
        "docs/pkg/keep.md"
    ]
    assert result.details["code_files"] == 2


def test_collisions_need_attention(git_repo):
    git_repo.write("web/x.py", "")
    git_repo.write("web/x.js", "")
    git_repo.commit("code")
    result = run(git_repo.path, directories=["web"], file_extensions=[".py", ".js"])
    assert result.details["collisions"] == [
        {"doc_path": "docs/web/x.md", "code_paths": ["web/x.js", "web/x.py"]}
    ]
    assert result.details["counts"]["collisions"] == 1
    assert result.details["needs_attention"] == 3  # index, module, collision


def test_no_docs_folder_everything_missing(git_repo):
    git_repo.write("pkg/__init__.py", "")
    git_repo.write("pkg/a.py", "")
    git_repo.commit("code")
    result = check_docs(git_repo.path, DocsConfig())
    assert result.status == "warning"
    assert result.details["counts"]["missing"] == 3
    assert result.details["docs_dir_exists"] is False
    assert result.details["index"] == {
        "path": ".clinerules/docs_index.json",
        "written": False,
        "reason": "no docs folder",
    }
    assert not (git_repo.path / ".clinerules").exists()


def test_repository_without_commits(git_repo):
    git_repo.write("pkg/__init__.py", "")
    git_repo.write("docs/pkg/_module.md", "# pkg\n")
    git_repo.write("docs/_index.md", "# P\n")
    result = run(git_repo.path)
    assert result.status == "success"


def test_output_is_deterministic_and_truncated(git_repo):
    git_repo.write("pkg/__init__.py", "")
    for i in range(30):
        git_repo.write(f"pkg/m{29 - i:02d}.py", "")
    git_repo.commit("code")
    first = run(git_repo.path, max_entries=5)
    second = run(git_repo.path, max_entries=5)
    assert first.details == second.details
    docs = [e["doc_path"] for e in first.details["entries"]]
    assert docs == sorted(docs) and len(docs) == 5
    assert first.details["entries_truncated"] == 32 - 5


def test_not_a_git_repository_falls_back_to_mtimes(tmp_path):
    for rel in [
        "pkg/__init__.py",
        "pkg/a.py",
        "docs/_index.md",
        "docs/pkg/_module.md",
        "docs/pkg/a.md",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# x\n")
    old, new = time.time() - 1000, time.time()
    for rel in ["pkg/__init__.py", "pkg/a.py"]:
        os.utime(tmp_path / rel, (old, old))
    result = run(tmp_path)
    assert result.status == "success"
    assert result.message.startswith(
        "✅ All documentation is up to date! (by file modification times"
    )
    assert result.details["history"] == "mtime"
    assert result.details["history_note"] == "not a git repository"
    os.utime(tmp_path / "pkg/a.py", (new + 10, new + 10))
    entries = by_doc(run(tmp_path))
    assert entries["docs/pkg/a.md"]["status"] == "outdated"
    assert entries["docs/pkg/a.md"]["commits_behind"] is None
    assert entries["docs/pkg/_module.md"]["status"] == "outdated"


def test_mtime_mode_can_be_forced_inside_git(git_repo):
    documented_project(git_repo)
    result = run(git_repo.path, history="mtime")
    assert result.details["history"] == "mtime"
    assert "git_calls" not in result.details


def test_git_mode_required_outside_git_is_an_error(tmp_path):
    with pytest.raises(PluginError, match="not in a git work tree"):
        run(tmp_path, history="git")


def test_missing_project_root_is_an_error(tmp_path):
    with pytest.raises(PluginError, match="not a folder"):
        run(tmp_path / "nope")


def test_project_ignored_by_an_enclosing_repository_uses_mtimes(git_repo):
    git_repo.write(".gitignore", "scratch/\n")
    git_repo.commit("base")
    git_repo.write("scratch/proj/pkg/__init__.py", "")
    result = run(git_repo.path / "scratch/proj")
    assert result.details["history"] == "mtime"
    assert result.details["history_note"] == "the enclosing git repository ignores the project"
    assert result.details["counts"]["missing"] == 2


def test_merged_branches(git_repo):
    documented_project(git_repo)
    git_repo.git("checkout", "-q", "-b", "feature")
    git_repo.write("pkg/a.py", "A = 2\n")
    git_repo.commit("feature code", date="2026-01-01T10:00:00Z")
    git_repo.git("checkout", "-q", "main")
    git_repo.write("docs/pkg/b.md", "# b\nv2\n")
    git_repo.commit("main docs", date="2026-01-01T11:00:00Z")
    git_repo.git("merge", "-q", "--no-ff", "-m", "merge", "feature")
    entries = by_doc(run(git_repo.path))
    assert entries["docs/pkg/a.md"]["commits_behind"] == 1  # the merge itself touches nothing
    assert "docs/pkg/b.md" not in entries


def test_walk_without_git_skips_tool_folders_and_keeps_configured_hidden_ones(tmp_path):
    """Formerly the docs plugin's own walk; the listing is now the toolkit's."""
    for rel in [
        "pkg/a.py",
        ".venv/lib/x.py",
        "node_modules/m/i.js",
        ".git/config",
        "pkg/__pycache__/a.pyc",
        ".tools/scripts/s.py",
        "ñ/ü.py",
        ".autocode/checks/c/x.py",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")

    default = run(tmp_path)
    configured = run(tmp_path, directories=["pkg", "ñ", ".tools/scripts"])

    assert default.details["history"] == "mtime"
    assert default.details["code_dirs"] == ["pkg", "ñ"] and default.details["code_files"] == 2
    assert configured.details["code_files"] == 3
    assert "docs/.tools/scripts/s.md" in by_doc(configured)


def test_git_hook_variables_do_not_redirect_the_check(tmp_path, monkeypatch):
    from autocode_core.testing import make_git_repo

    other = make_git_repo(tmp_path / "other")
    other.write("pkg/__init__.py", "")
    other.write("pkg/theirs.py", "")
    other.commit("other")
    (other.path / ".git" / "info" / "exclude").write_text("*\n")  # leakage would hide ours
    project = make_git_repo(tmp_path / "project")
    documented_project(project)
    monkeypatch.setenv("GIT_DIR", os.fspath(other.path / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", os.fspath(other.path / ".git" / "index"))

    result = run(project.path)

    assert result.status == "success", result.details["entries"]
    assert result.details["history"] == "git" and result.details["code_files"] == 3


def test_topic_guides_are_not_orphans_but_deleted_code_and_mirrored_docs_are(git_repo):
    git_repo.write("src/click/__init__.py", "")
    git_repo.write("src/click/core.py", "CORE = 1\n")
    git_repo.write("src/click/old.py", "OLD = 1\n")
    git_repo.write("docs/_index.md", "# click\n")
    git_repo.write("docs/click/_module.md", "# click\n")
    git_repo.write("docs/click/core.md", "# core\n")
    git_repo.write("docs/click/old.md", "# old\n")
    git_repo.write("docs/click/never.md", "# in the mirrored tree\n")
    git_repo.write("docs/advanced.md", "# Advanced patterns\n")
    git_repo.write("docs/why.md", "# Why click\n")
    git_repo.commit("project")
    git_repo.git("rm", "-q", "src/click/old.py")
    git_repo.commit("old is gone")
    result = run(git_repo.path, doc_template="{import_path}")
    entries = by_doc(result)
    assert entries["docs/click/old.md"]["status"] == "orphaned"
    assert entries["docs/click/old.md"]["code_path"] == "src/click/old.py"
    assert entries["docs/click/never.md"]["status"] == "orphaned"
    assert "docs/advanced.md" not in entries and "docs/why.md" not in entries
    assert result.details["topic_docs"] == ["docs/advanced.md", "docs/why.md"]
    assert result.details["counts"]["topic"] == 2 and result.details["counts"]["orphaned"] == 2
    assert "layout_hint" not in result.details


def test_layout_hint_names_the_template_that_fits(git_repo):
    git_repo.write("src/click/__init__.py", "")
    for name in ("core", "types", "utils"):
        git_repo.write(f"src/click/{name}.py", "X = 1\n")
        git_repo.write(f"docs/click/{name}.md", f"# {name}\n")
    git_repo.write("docs/why.md", "# Why\n")
    git_repo.commit("project")
    hint = run(git_repo.path).details["layout_hint"]
    assert 'doc_template = "{import_path}"' in hint and "3 would" in hint
    assert "layout_hint" not in run(git_repo.path, doc_template="{import_path}").details
    git_repo.write("docs/a.md", "# guide\n")
    git_repo.write("docs/b.md", "# guide\n")
    git_repo.write("docs/c.md", "# guide\n")
    git_repo.commit("guides only, under a layout that documents nothing")
    hint = run(git_repo.path, doc_template="api/{path}").details["layout_hint"]
    assert "match no code file" in hint or "would" in hint


def test_rst_docs_with_a_template_feed_the_check_and_the_index(git_repo):
    git_repo.write("src/click/__init__.py", "")
    git_repo.write("src/click/core.py", "CORE = 1\n")
    git_repo.write("docs/_index.rst", "Click\n=====\n\nPurpose\n-------\nCommand lines.\n")
    git_repo.write("docs/click/_module.rst", "click\n=====\n")
    git_repo.write("docs/click/core.rst", "core\n====\n\nPurpose\n-------\nThe **core**.\n")
    git_repo.write("docs/click/core.md", "# stray markdown, not a document in rst mode\n")
    git_repo.commit("rst docs")
    result = check_docs(git_repo.path, DocsConfig(doc_template="{import_path}", doc_format="rst"))
    assert result.status == "success", result.details
    assert result.details["counts"]["up_to_date"] == 3
    import json

    index = json.loads((git_repo.path / ".clinerules/docs_index.json").read_text())
    assert index["project_name"] == "Click"
    click = index["structure"]["docs/"]["subdirectories"]["docs/click/"]
    assert click["module_file"] == "docs/click/_module.rst"
    assert click["files"]["docs/click/core.rst"]["purpose"] == "The core."
    assert list(click["files"]) == ["docs/click/core.rst"]


def test_garbage_collector_paused_during_the_run_and_restored_after(git_repo, monkeypatch):
    import gc

    import autocode_docs.doc_check as doc_check

    documented_project(git_repo)
    seen = []
    inner = doc_check._check_docs

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return inner(*args, **kwargs)

    monkeypatch.setattr(doc_check, "_check_docs", spy)
    assert gc.isenabled()
    run(git_repo.path)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        run(git_repo.path)  # a caller that turned it off keeps it off
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(PluginError):
        run(git_repo.path / "missing")
    assert gc.isenabled()
