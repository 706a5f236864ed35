"""The status of every document the layout expects, and of every orphan.

Statuses: ``up_to_date``, ``outdated`` (a change to the code that the
document has not seen), ``missing`` (the document does not exist),
``orphaned`` (a document whose code is gone: see ``ProjectLayout.unmatched_docs``),
``unknown`` (a shallow clone's history cannot tell) and ``topic`` (a guide
that mirrors no code; never needs attention). Documents come out sorted by document path, so the result of
a run is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any, Literal

from autocode_docs.history import History, Verdict
from autocode_docs.layout import ProjectLayout

__all__ = ["QUIET", "STATUSES", "DocState", "DocStatus", "DocType", "assess"]

DocStatus = Literal["up_to_date", "outdated", "missing", "orphaned", "unknown", "topic"]
DocType = Literal["file", "module", "index", "topic"]
STATUSES: tuple[DocStatus, ...] = (
    "up_to_date",
    "outdated",
    "missing",
    "orphaned",
    "unknown",
    "topic",
)
#: statuses that are not a problem to report
QUIET: frozenset[str] = frozenset({"up_to_date", "topic"})


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
        return self.status not in QUIET and self.status != "unknown"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _state(doc: str, code: str, kind: DocType, verdict: Verdict | None) -> DocState:
    """``verdict`` is ``None`` when the document does not exist."""
    if verdict is None:
        return DocState(doc, code, kind, "missing")
    status: DocStatus = "outdated" if verdict.outdated else "up_to_date"
    if verdict.unknown:
        status = "unknown"
    return DocState(doc, code, kind, status, verdict.commits_behind, verdict.uncommitted_changes)


def assess(
    project: ProjectLayout,
    history: History,
    docs: Iterable[str],
    tracked: set[str] | None = None,
    existed: Callable[[str], bool] = lambda path: False,
    previous: dict[str, DocState] | None = None,
    only: set[str] | None = None,
) -> list[DocState]:
    """Every expected document's state, plus orphans and topic docs, sorted by document path.

    :param docs: the existing files under the docs folder.
    :param tracked: tracked files (git mode): the project index follows these
        only; ``None`` means every code file.
    :param existed: whether a code path existed in the history (git mode).
    :param previous: the states of a previous run with the same inputs
        except for ``only`` (``run_cache``): every expected document not in
        ``only`` keeps its previous state; ``None`` judges every document.
    :param only: with ``previous``, the documents to judge again.
    """
    existing = set(docs)
    states: list[DocState] = []

    def judge(doc: str, code: str, kind: DocType, verdict: Callable[[], Verdict]) -> None:
        kept = previous.get(doc) if previous is not None and doc not in (only or ()) else None
        if kept is not None:
            states.append(kept)
        else:
            states.append(_state(doc, code, kind, verdict() if doc in existing else None))

    if project.code_files:
        doc = project.layout.index_doc
        codes = [c for c in project.code_files if tracked is None or c in tracked]
        judge(doc, ".", "index", lambda: history.folder_verdict(None, codes, doc))
    for doc, folder in project.module_docs.items():
        codes = project.folder_code[folder]
        judge(doc, folder or ".", "module", partial(history.folder_verdict, folder, codes, doc))
    if previous is None:  # the common case, without a closure per document
        file_verdict, append = history.file_verdict, states.append
        for doc, code in project.file_docs.items():
            append(_state(doc, code, "file", file_verdict(code, doc) if doc in existing else None))
    else:
        for doc, code in project.file_docs.items():
            judge(doc, code, "file", partial(history.file_verdict, code, doc))
    for doc, code, orphan in project.unmatched_docs(existing, existed):
        if orphan:
            kind: DocType = "module" if project.layout.is_module_doc(doc) else "file"
            states.append(DocState(doc, code, kind, "orphaned"))
        else:
            states.append(DocState(doc, ".", "topic", "topic"))
    states.sort(key=lambda s: s.doc_path)
    return states
