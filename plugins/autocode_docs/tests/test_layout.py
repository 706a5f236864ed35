"""Which files are code, where their documents live, collisions and orphans."""

from __future__ import annotations

import pytest
from autocode_docs.layout import Layout, ProjectLayout, discover_code_roots
from autocode_docs.settings import DocsConfig
from pydantic import ValidationError


def test_document_paths_follow_the_convention():
    layout = Layout(DocsConfig(), roots=["pkg"])
    assert layout.file_doc("pkg/sub/mod.py") == "docs/pkg/sub/mod.md"
    assert layout.module_doc("pkg/sub") == "docs/pkg/sub/_module.md"
    assert layout.index_doc == "docs/_index.md"
    assert Layout(DocsConfig(docs_dir="documentation/")).index_doc == "documentation/_index.md"


def test_discovers_top_level_and_src_packages_only():
    files = [
        "app/__init__.py",
        "app/a.py",
        "src/lib/__init__.py",
        "src/lib/b.py",
        "scripts/run.py",
        "tests/test_a.py",
        "setup.py",
        "docs/app/a.md",
    ]
    assert discover_code_roots(files, DocsConfig()) == ["app", "src/lib"]


def test_without_packages_every_top_level_code_folder_counts():
    files = [
        "web/app.js",
        "web/lib/util.js",
        "README.md",
        "src/ui/main.js",
        "node_modules/x/y.js",
        ".github/a.js",
    ]
    assert discover_code_roots(files, DocsConfig(file_extensions=["js"])) == ["src/ui", "web"]


def test_configured_directories_win():
    assert discover_code_roots(
        ["app/__init__.py"], DocsConfig(directories=["./lib/", "tools"])
    ) == ["lib", "tools"]


def test_excluded_folders_and_user_patterns_are_not_code():
    files = [
        "pkg/__init__.py",
        "pkg/a.py",
        "pkg/.venv/lib.py",
        "pkg/node_modules/m.py",
        "pkg/build/gen.py",
        "pkg/__pycache__/a.py",
        "pkg/x.egg-info/s.py",
        "pkg/.hidden/h.py",
        "pkg/generated/g.py",
        "pkg/b_test.py",
        "pkg/readme.txt",
    ]
    project = ProjectLayout.build(files, DocsConfig(exclude=["generated/", "*_test.py"]))
    assert project.code_files == ["pkg/__init__.py", "pkg/a.py"]


def test_docs_folder_is_never_code_even_inside_a_code_folder():
    project = ProjectLayout.build(
        ["__init__.py", "a.py", "docs/conf.py"], DocsConfig(directories=["."])
    )
    assert project.code_files == ["__init__.py", "a.py"]


def test_expected_documents_nested_packages_and_skip_files():
    files = ["pkg/__init__.py", "pkg/a.py", "pkg/sub/__init__.py", "pkg/sub/deep/b.py"]
    project = ProjectLayout.build(files, DocsConfig())
    assert project.file_docs == {
        "docs/pkg/a.md": "pkg/a.py",
        "docs/pkg/sub/deep/b.md": "pkg/sub/deep/b.py",
    }
    assert project.module_docs == {
        "docs/pkg/_module.md": "pkg",
        "docs/pkg/sub/_module.md": "pkg/sub",
        "docs/pkg/sub/deep/_module.md": "pkg/sub/deep",
    }
    assert project.folder_code["pkg/sub"] == ["pkg/sub/__init__.py", "pkg/sub/deep/b.py"]
    assert project.folder_code["pkg"] == files


def test_collisions_are_reported_not_merged():
    files = ["web/x.py", "web/x.js", "web/y.py"]
    project = ProjectLayout.build(
        files, DocsConfig(file_extensions=[".py", ".js"], directories=["web"])
    )
    assert project.collisions == {"docs/web/x.md": ["web/x.js", "web/x.py"]}
    assert project.file_docs == {"docs/web/y.md": "web/y.py"}


def test_longest_extension_wins():
    project = ProjectLayout.build(
        ["web/a.d.ts", "web/b.ts"],
        DocsConfig(file_extensions=[".ts", ".d.ts"], directories=["web"]),
    )
    assert set(project.file_docs) == {"docs/web/a.md", "docs/web/b.md"}


def test_orphans_are_in_the_mirrored_tree_or_known_to_history_others_are_topics():
    project = ProjectLayout.build(
        ["pkg/__init__.py", "pkg/a.py"], DocsConfig(exclude=["docs/guides/"])
    )
    docs = [
        "docs/_index.md",
        "docs/pkg/_module.md",
        "docs/pkg/a.md",
        "docs/pkg/gone.md",
        "docs/old/_module.md",
        "docs/moved/_module.md",
        "docs/pkg/diagram.png",
        "docs/guides/howto.md",
        "docs/why.md",
        "docs/legacy.md",
    ]
    history = {"legacy.py", "moved/"}
    assert project.unmatched_docs(docs, history.__contains__) == [
        ("docs/legacy.md", "legacy.py", True),
        ("docs/moved/_module.md", "moved", True),
        ("docs/old/_module.md", "old", False),
        ("docs/pkg/gone.md", "pkg/gone.py", True),
        ("docs/why.md", "why.py", False),
    ]


def test_template_and_rst_format_map_both_ways():
    settings = DocsConfig(doc_template="{import_path}", doc_format="rst")
    project = ProjectLayout.build(["src/click/__init__.py", "src/click/core.py"], settings)
    assert project.file_docs == {"docs/click/core.rst": "src/click/core.py"}
    assert set(project.module_docs) == {"docs/click/_module.rst"}
    assert project.layout.index_doc == "docs/_index.rst"
    docs = ["docs/click/gone.rst", "docs/click/gone.md", "docs/advanced.rst"]
    assert project.unmatched_docs(docs) == [
        ("docs/advanced.rst", "advanced.py", False),
        ("docs/click/gone.rst", "click/gone.py", True),
    ]


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("core", "exactly one of {path} or {import_path}"),
        ("{path}/{path}", "exactly one of {path} or {import_path}"),
        ("{path}{name}", "only {path} and {import_path}"),
        ("../{path}", "inside the docs folder"),
        ("{path}.md", "leave the extension out"),
    ],
)
def test_template_validation_names_the_problem(template, problem):
    with pytest.raises(ValidationError) as info:
        DocsConfig(doc_template=template)
    assert "doc_template" in str(info.value) and problem in str(info.value)
    with pytest.raises(ValidationError, match="doc_format"):
        DocsConfig(doc_format="html")


def test_non_ascii_names_map_like_any_other():
    project = ProjectLayout.build(["pkg/__init__.py", "pkg/cañón.py"], DocsConfig())
    assert project.file_docs == {"docs/pkg/cañón.md": "pkg/cañón.py"}
