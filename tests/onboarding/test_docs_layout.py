"""doc_check on for docs that mirror the code, off (with the reason) otherwise."""

from __future__ import annotations

from autocode_core.onboarding.decisions import Plan
from autocode_core.onboarding.docs_layout import decide_docs


def _decide(files: list[str]) -> Plan:
    plan = Plan()
    decide_docs(files, plan)
    return plan


def test_mirrored_markdown_keeps_the_check_and_excludes_guides() -> None:
    plan = _decide(["pkg/a.py", "pkg/b.py", "docs/_index.md", "docs/pkg/a.md", "docs/pkg/_module.md",
                    "docs/guide.md"])
    assert plan.settings() == {"checks": {"doc_check": {"docs_dir": "docs", "exclude": ["docs/guide.md"]}}}


def test_sphinx_guides_and_no_docs_switch_it_off() -> None:
    sphinx = _decide(["pkg/a.py", "docs/index.rst", "docs/api.rst", "docs/conf.py"])
    assert sphinx.settings() == {"daemon": {"doc_check": {"enabled": False}}}
    assert "2 reStructuredText files (Sphinx)" in sphinx.decisions[0].why
    guides = _decide(["pkg/a.py", "doc/usage.md", "doc/faq.md"])
    assert "2 Markdown files that do not mirror the code" in guides.decisions[0].why
    assert "no docs/ folder" in _decide(["pkg/a.py"]).decisions[0].why
