"""The status of every document the layout expects, and of every orphan.

Statuses: ``up_to_date``, ``outdated`` (code changed after the document),
``missing`` (the document does not exist) and ``orphaned`` (a document whose
code is gone). Documents come out sorted by document path, so the result of
a run is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from autocode_docs.history import History, Verdict
from autocode_docs.layout import ProjectLayout

__all__ = ["STATUSES", "DocState", "DocStatus", "DocType", "assess"]

DocStatus = Literal["up_to_date", "outdated", "missing", "orphaned"]
DocType = Literal["file", "module", "index"]
STATUSES: tuple[DocStatus, ...] = ("up_to_date", "outdated", "missing", "orphaned")


@dataclass(frozen=True)
class DocState:
    """One document and its status.

    ``code_path`` is the code file, the folder (``"."`` for the project) or,
    for an orphan, the code the document names. ``commits_behind`` is the
    number of commits touching that code since the document last changed
    (``None`` without git history or when the document is missing or
    orphaned); ``uncommitted_changes`` says the code also has work-tree changes.
    """

    doc_path: str
    code_path: str
    doc_type: DocType
    status: DocStatus
    commits_behind: int | None = None
    uncommitted_changes: bool = False

    @property
    def needs_attention(self) -> bool:
        return self.status != "up_to_date"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _state(doc: str, code: str, kind: DocType, verdict: Verdict | None) -> DocState:
    """``verdict`` is ``None`` when the document does not exist."""
    if verdict is None:
        return DocState(doc, code, kind, "missing")
    status: DocStatus = "outdated" if verdict.outdated else "up_to_date"
    return DocState(doc, code, kind, status, verdict.commits_behind, verdict.uncommitted_changes)


def assess(
    project: ProjectLayout, history: History, docs: Iterable[str], tracked: set[str] | None = None
) -> list[DocState]:
    """Every expected document's state, plus orphans, sorted by document path.

    :param docs: the existing files under the docs folder.
    :param tracked: tracked files (git mode): the project index follows these
        only; ``None`` means every code file.
    """
    existing = set(docs)
    states: list[DocState] = []
    if project.code_files:
        doc = project.layout.index_doc
        codes = [c for c in project.code_files if tracked is None or c in tracked]
        verdict = history.folder_verdict(None, codes, doc) if doc in existing else None
        states.append(_state(doc, ".", "index", verdict))
    for doc, folder in project.module_docs.items():
        codes = project.folder_code[folder]
        verdict = history.folder_verdict(folder, codes, doc) if doc in existing else None
        states.append(_state(doc, folder or ".", "module", verdict))
    for doc, code in project.file_docs.items():
        verdict = history.file_verdict(code, doc) if doc in existing else None
        states.append(_state(doc, code, "file", verdict))
    for doc, code in project.orphaned_docs(existing):
        kind: DocType = "module" if doc.endswith("/_module.md") else "file"
        states.append(DocState(doc, code, kind, "orphaned"))
    states.sort(key=lambda s: s.doc_path)
    return states
