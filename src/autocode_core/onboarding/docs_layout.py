"""The project's documentation -> ``checks.doc_check`` settings, or doc_check switched off.

doc_check expects one Markdown document per code file, mirroring the code
(``docs/<path>.md``, ``docs/<folder>/_module.md``, ``docs/_index.md``). It is
kept when the docs folder holds such documents (at least half of its Markdown
files, and at least one, mirror a code file or folder); the other Markdown
files there (guides, changelogs) are excluded so they are not reported as
orphans. Documentation that does not mirror the code (Sphinx
reStructuredText, hand-written Markdown guides) or no documentation at all
would make every module "missing" its document: doc_check is switched off
(``daemon.doc_check.enabled = false``) and the reason is said.
"""

from __future__ import annotations

from collections.abc import Sequence

from autocode_core.onboarding.decisions import Plan

__all__ = ["DOCS_DIRS", "decide_docs"]

DOCS_DIRS = ("docs", "doc", "documentation")


def _mirrors(doc: str, docs_dir: str, code: set[str], folders: set[str]) -> bool:
    inner = doc[len(docs_dir) + 1 : -len(".md")]
    if inner == "_index":
        return True
    if inner.endswith("/_module") or inner == "_module":
        return inner.rpartition("/")[0] in folders
    return any(inner + ext in code for ext in (".py",))


def decide_docs(files: Sequence[str], plan: Plan) -> None:
    """Decide the docs settings for ``files`` (project-relative, ``/``)."""
    counts = {d: [f for f in files if f.startswith(d + "/") and f.endswith((".md", ".rst"))] for d in DOCS_DIRS}
    docs_dir = max(DOCS_DIRS, key=lambda d: len(counts[d]))
    docs = counts[docs_dir]
    if not docs:
        plan.decide("daemon.doc_check.enabled", False,
                    "no docs/ folder: doc_check would report every module as missing its document. "
                    "Switch it on (and write docs/<module path>.md files) to keep docs beside the code")
        return
    markdown = [d for d in docs if d.endswith(".md")]
    rst = [d for d in docs if d.endswith(".rst")]
    code = {f for f in files if f.endswith(".py") and not f.startswith(docs_dir + "/")}
    folders = {f.rpartition("/")[0] for f in code}
    mirroring = [d for d in markdown if _mirrors(d, docs_dir, code, folders)]
    if not mirroring or len(mirroring) * 2 < len(markdown):
        kind = (f"{len(rst)} reStructuredText files (Sphinx)" if len(rst) >= len(markdown)
                else f"{len(markdown)} Markdown files that do not mirror the code")
        plan.decide("daemon.doc_check.enabled", False,
                    f"{docs_dir}/ holds {kind}; doc_check expects one Markdown document per module "
                    f"({docs_dir}/<module path>.md) and would report every module as missing one")
        return
    plan.decide("checks.doc_check.docs_dir", docs_dir,
                f"{len(mirroring)} of {len(markdown)} Markdown documents in {docs_dir}/ mirror the code")
    others = sorted(set(markdown) - set(mirroring))
    if others:
        plan.decide("checks.doc_check.exclude", others,
                    f"{len(others)} documents describe no single module (guides, changelogs): "
                    "not reported as orphans")
