"""``doc_check``'s result as ``Finding`` objects, the shape every autocode view shows.

``findings_from_details(details)`` reads the ``details`` that
``autocode_docs.report.build_result`` writes (``entries``: the documents that
need attention; ``collisions``) and returns one warning each:

* ``outdated_doc``: ``path`` the document, the code that changed after it in
  the message (``data``: ``code``, ``commits_behind``, ``uncommitted_changes``);
* ``missing_doc``: ``path`` the code file (a folder or the project has none),
  ``data["doc"]`` the document expected for it;
* ``orphaned_doc``: ``path`` the document whose code is gone;
* ``doc_collision``: two code files that map to one document;
* ``unknown_docs`` (info): documents a shallow clone's history cannot judge
  (``data["docs"]``, ``data["count"]``);
* ``layout_hint`` (info): the layout evidently does not fit the docs (the hint);
* ``not_listed`` (info), last, when ``details`` kept only ``max_entries``
  documents: ``data["count"]`` more need attention.

Only ``details`` is read, so the mapping works on stored results as well.
"""

from __future__ import annotations

from typing import Any

from autocode_core import Finding

__all__ = ["findings_from_details"]


def _outdated(entry: dict[str, Any]) -> str:
    behind = entry.get("commits_behind")
    why = []
    if behind:
        why.append(f"{behind} commit{'s' if behind != 1 else ''} since the document changed")
    if entry.get("uncommitted_changes"):
        why.append("uncommitted changes")
    reason = f" ({', '.join(why)})" if why else ""
    return f"{entry.get('doc_path')} is outdated: {entry.get('code_path')} changed{reason}"


def findings_from_details(details: dict[str, Any]) -> list[Finding]:
    """The findings of one ``doc_check`` result (see the module docstring)."""
    found: list[Finding] = []
    for entry in details.get("entries") or []:
        doc, code, status = entry.get("doc_path"), entry.get("code_path"), entry.get("status")
        data = {"code": code, "doc_type": entry.get("doc_type")}
        if status == "outdated":
            data |= {k: entry.get(k) for k in ("commits_behind", "uncommitted_changes")}
            found.append(
                Finding(message=_outdated(entry), path=doc, kind="outdated_doc", data=data)
            )
        elif status == "missing":
            on_file = entry.get("doc_type") == "file"
            found.append(
                Finding(
                    message=f"{doc} is missing (it documents {code})",
                    path=code if on_file else None,
                    kind="missing_doc",
                    data={**data, "doc": doc},
                )
            )
        elif status == "orphaned":
            found.append(
                Finding(
                    message=f"{doc} documents {code}, which does not exist",
                    path=doc,
                    kind="orphaned_doc",
                    data=data,
                )
            )
    for collision in details.get("collisions") or []:
        paths = collision.get("code_paths") or []
        found.append(
            Finding(
                message=f"{', '.join(paths)} all map to {collision.get('doc_path')}",
                path=collision.get("doc_path"),
                kind="doc_collision",
                data={"code": paths},
            )
        )
    unknown = details.get("unknown") or []
    if unknown:
        count = (details.get("counts") or {}).get("unknown", len(unknown))
        found.append(
            Finding(
                message=f"{count} documents could not be judged: "
                f"{details.get('history_note') or 'history incomplete'}",
                severity="info",
                kind="unknown_docs",
                data={"count": count, "docs": list(unknown)},
            )
        )
    hint = details.get("layout_hint")
    if isinstance(hint, str) and hint:
        found.append(Finding(message=hint, severity="info", kind="layout_hint", data={}))
    hidden = details.get("entries_truncated")
    if isinstance(hidden, int) and hidden > 0:
        found.append(
            Finding(
                message=f"{hidden} more documents need attention, not listed "
                "(raise checks.doc_check.max_entries to list them)",
                severity="info",
                kind="not_listed",
                data={"count": hidden},
            )
        )
    return found
