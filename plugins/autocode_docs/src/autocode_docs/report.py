"""Turn document states into the check's ``CheckResult``.

* ``success`` "✅ All documentation is up to date!";
* ``warning`` "⚠️ N documents need attention" (outdated, missing, orphaned
  documents and name collisions);
* a short note is appended to the message when statuses come from file
  modification times instead of git history, and when documents are
  ``unknown`` (a shallow clone: "N documents could not be judged"); a run
  with unknown documents never says "All documentation is up to date".

``unknown`` documents are listed under ``details.unknown`` and ``topic``
documents (guides that mirror no code) under ``details.topic_docs``, each at
most ``max_entries``; neither needs attention.

``details`` stays small: counts per status, and at most ``max_entries``
entries (sorted by document path) for the documents that need attention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autocode_core import CheckResult
from autocode_docs.freshness import STATUSES, DocState

__all__ = ["build_result"]


def build_result(
    states: Sequence[DocState],
    collisions: dict[str, list[str]],
    *,
    history_mode: str,
    history_note: str | None,
    max_entries: int,
    extra: dict[str, Any] | None = None,
) -> CheckResult:
    """The result of one run; ``extra`` is merged into ``details``."""
    counts: dict[str, int] = {status: 0 for status in STATUSES}
    for state in states:
        counts[state.status] += 1
    counts["collisions"] = len(collisions)
    attention = [s for s in states if s.needs_attention]
    needing = len(attention) + len(collisions)
    details: dict[str, Any] = {
        "history": history_mode,
        "counts": counts,
        "total_documents": len(states),
        "needs_attention": needing,
        "entries": [s.as_dict() for s in attention[:max_entries]],
    }
    if len(attention) > max_entries:
        details["entries_truncated"] = len(attention) - max_entries
    if collisions:
        details["collisions"] = [
            {"doc_path": doc, "code_paths": list(paths)}
            for doc, paths in sorted(collisions.items())
        ][:max_entries]
    for status, key in (("unknown", "unknown"), ("topic", "topic_docs")):
        listed = [s.doc_path for s in states if s.status == status]
        if listed:
            details[key] = listed[:max_entries]
    if history_note:
        details["history_note"] = history_note
    details.update(extra or {})
    suffix = (
        f" (by file modification times: {history_note})"
        if history_mode == "mtime" and history_note
        else ""
    )
    unknown = counts["unknown"]
    if unknown:
        suffix += (
            f" ({unknown} document{'s' if unknown != 1 else ''} could not be judged: "
            f"{history_note or 'history incomplete'})"
        )
    if needing == 0:
        message = (
            "✅ No documentation found behind its code"
            if unknown
            else "✅ All documentation is up to date!"
        )
        return CheckResult(status="success", message=message + suffix, details=details)
    noun = "document needs" if needing == 1 else "documents need"
    return CheckResult(
        status="warning", message=f"⚠️ {needing} {noun} attention{suffix}", details=details
    )
