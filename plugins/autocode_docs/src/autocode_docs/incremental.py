"""Which documents a change-triggered run must judge again (issue 15, "incremental runs").

A document's state in git mode is a function of the history (``HEAD``), the
settings, the list of files and the git status of its code and of itself
(untracked, modified, deleted): never of file contents or times. So when a
run happens at the same ``HEAD``, with the same settings and the same file
list (nothing added, deleted, renamed or newly tracked) as the run that left
the cache, only the documents whose code or own status may have changed need
judging again:

* for a changed code file (``changed_paths``, or any path whose dirty or
  untracked status differs from the cached run's): its own document, the
  module documents of every folder from its parent up to its code root, and
  the project index;
* for a changed document: itself.

Anything else (``HEAD`` moved: a commit, checkout, merge or reset; a file
added or deleted; other settings; no cache) answers ``None``: judge the
whole tree. ``remember`` stores what the next run compares against.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autocode_docs.freshness import DocState
from autocode_docs.git_snapshot import GitSnapshot
from autocode_docs.layout import Layout
from autocode_docs.run_cache import RunCache

__all__ = ["affected_docs", "remember"]


def affected_docs(
    cache: RunCache,
    snapshot: GitSnapshot,
    settings_key: str,
    layout: Layout,
    changed_paths: Iterable[str],
) -> set[str] | None:
    """The documents to judge again, or ``None`` for the whole tree (see the module docstring)."""
    if (
        not cache.states
        or cache.head is None
        or cache.head != snapshot.head
        or cache.settings_key != settings_key
        or cache.tracked != snapshot.tracked
        or cache.untracked != snapshot.untracked
        or cache.deleted != snapshot.deleted
    ):
        return None
    paths = set(changed_paths) | (cache.dirty ^ snapshot.dirty)
    docs: set[str] = set()
    for path in paths:
        if layout.in_docs(path):
            docs.add(path)
        elif layout.is_code(path):
            docs.add(layout.index_doc)
            if layout.needs_own_doc(path):
                docs.add(layout.file_doc(path))
            docs.update(layout.module_doc(f) for f in layout.folders_of(path))
    return docs


def remember(
    cache: RunCache, snapshot: GitSnapshot | None, settings_key: str, states: Sequence[DocState]
) -> bool:
    """Keep this run's inputs and states in ``cache`` for the next run (git mode only).

    :return: True if anything differs from what the cache held.
    """
    if snapshot is None or snapshot.head is None:
        changed = cache.head is not None or bool(cache.states)
        cache.head, cache.states = None, {}
        return changed
    new = RunCache(
        logs=cache.logs,
        head=snapshot.head,
        settings_key=settings_key,
        tracked=frozenset(snapshot.tracked),
        untracked=frozenset(snapshot.untracked),
        deleted=frozenset(snapshot.deleted),
        dirty=frozenset(snapshot.dirty),
        states={s.doc_path: s for s in states},
        texts=cache.texts,
    )
    if new == cache:
        return False
    cache.__dict__.update(new.__dict__)
    return True
