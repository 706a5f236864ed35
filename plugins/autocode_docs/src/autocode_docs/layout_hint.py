"""Does the configured layout fit the project's docs? A hint when it evidently does not.

``layout_hint`` returns a sentence for the result (``details.layout_hint``)
when either

* another ``doc_template``/``doc_format`` would match more existing
  documents to code files than the configured one (say which, and how
  many), or
* the docs folder holds more documents that match no code (orphans and
  topic guides) than documents the layout expects, while some expected
  documents are missing;

and ``None`` otherwise. ``past_paths`` answers "did this code path ever exist"
from the history, for ``ProjectLayout.unmatched_docs``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from autocode_docs.freshness import DocState
from autocode_docs.git_log import GitLog
from autocode_docs.layout import Layout, ProjectLayout, parent_folder

__all__ = ["layout_hint", "past_paths"]

_ALTERNATIVES = [
    {"doc_template": "{path}", "doc_format": "md"},
    {"doc_template": "{import_path}", "doc_format": "md"},
    {"doc_template": "{path}", "doc_format": "rst"},
    {"doc_template": "{import_path}", "doc_format": "rst"},
]


def past_paths(log: GitLog) -> Callable[[str], bool]:
    """``existed(path)``: a file path, or a folder written with a trailing ``/``,
    that some commit of the log touched."""
    touched = log.touches
    folders: set[str] = set()

    def existed(path: str) -> bool:
        if not path.endswith("/"):
            return path in touched
        if not folders:  # built on the first folder question only
            for known in touched:
                folder = parent_folder(known)
                while folder and folder not in folders:
                    folders.add(folder)
                    folder = parent_folder(folder)
        return path[:-1] in folders

    return existed


def _matches(layout: Layout, code: Sequence[str], files: set[str]) -> int:
    return sum(1 for c in code if layout.needs_own_doc(c) and layout.file_doc(c) in files)


def layout_hint(project: ProjectLayout, states: Iterable[DocState], files: set[str]) -> str | None:
    """The hint (see the module docstring), or ``None`` when the layout fits."""
    layout = project.layout
    settings = layout.settings
    counts: dict[str, int] = {}
    for state in states:
        counts[state.status] = counts.get(state.status, 0) + 1
    matched_files = len(project.file_docs) - sum(
        1 for s in states if s.doc_type == "file" and s.status == "missing"
    )
    unmatched = counts.get("orphaned", 0) + counts.get("topic", 0)
    matched = sum(counts.get(k, 0) for k in ("up_to_date", "outdated", "unknown"))
    current = f"{settings.docs_dir}/{settings.doc_template}.{settings.doc_format}"
    if matched_files * 2 < len(project.file_docs):
        best, best_count = None, matched_files
        for option in _ALTERNATIVES:
            if all(getattr(settings, k) == v for k, v in option.items()):
                continue
            other = Layout(settings.model_copy(update=option), layout.roots)
            found = _matches(other, project.code_files, files)
            if found > best_count:
                best, best_count = option, found
        if best is not None:
            setting = ", ".join(f'{k} = "{v}"' for k, v in best.items())
            return (
                f"only {matched_files} of {len(project.file_docs)} code files have a document "
                f"at {current}; with {setting} in [checks.doc_check], {best_count} would"
            )
    if unmatched > matched and counts.get("missing", 0):
        return (
            f"{unmatched} documents under {settings.docs_dir}/ match no code file while "
            f"{counts['missing']} expected documents are missing: the docs may not mirror "
            f"the code at {current}; set doc_template, doc_format or directories in "
            "[checks.doc_check], or exclude the guides"
        )
    return None
