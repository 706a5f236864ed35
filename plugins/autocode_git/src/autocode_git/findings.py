"""``git_check``'s result as ``Finding`` objects, the shape every autocode view shows.

``findings_from_details(details)`` reads the ``details`` that
``autocode_git.plugin`` writes and returns:

* ``token_budget`` (warning), first, when the changes cost more tokens than
  the threshold (``data``: ``total``, ``threshold``, ``encoding``, ``exact``);
* ``changed_file`` (info): one per changed file listed in ``details["files"]``
  (at most 50; the summary file has them all), with ``data["tokens"]`` for the
  costliest files (``tokens.top_files``);
* ``not_listed`` (info), last, when more files changed than ``details`` lists:
  ``data["count"]`` more (all of them are in the summary file).

Only ``details`` is read, so the mapping works on stored results as well.
"""

from __future__ import annotations

from typing import Any

from autocode_core import Finding

__all__ = ["findings_from_details"]


def findings_from_details(details: dict[str, Any]) -> list[Finding]:
    """The findings of one ``git_check`` result (see the module docstring)."""
    tokens = details.get("tokens") or {}
    costs = {t.get("file"): t.get("tokens") for t in tokens.get("top_files") or []}
    found: list[Finding] = []
    if tokens.get("over_threshold"):
        approx = "" if tokens.get("exact") else "~"
        found.append(
            Finding(
                message=f"the changes cost {approx}{tokens.get('total')} tokens, over the threshold "
                f"of {tokens.get('threshold')} ({tokens.get('encoding')})",
                kind="token_budget",
                data={k: tokens.get(k) for k in ("total", "threshold", "encoding", "exact")},
            )
        )
    for path in details.get("files") or []:
        cost = costs.get(path)
        found.append(
            Finding(
                message=f"{path} changed" + (f" ({cost} tokens)" if cost is not None else ""),
                severity="info",
                path=path,
                kind="changed_file",
                data={"tokens": cost} if cost is not None else {},
            )
        )
    hidden = details.get("files_omitted")
    if isinstance(hidden, int) and hidden > 0:
        found.append(
            Finding(
                message=f"{hidden} more changed files, not listed (see {details.get('summary_path')})",
                severity="info",
                kind="not_listed",
                data={"count": hidden},
            )
        )
    return found
