"""What ``doc_check`` keeps between runs in its own state folder.

One file, ``<state folder>/doc_check.pickle`` (``CheckContext.state_folder()``,
which git and file watching ignore), holding a ``RunCache``:

* ``logs``: the parsed ``git log`` keyed by
  ``HEAD``, the project's place in the repository and the log's pathspecs,
  only the latest one. A history read for a ``HEAD`` never changes, so a
  run at the same ``HEAD`` skips ``git log`` and ``git diff-tree``
  entirely. Shallow clones are never cached (``git fetch --deepen`` changes
  the history under the same ``HEAD``).
* the previous run's inputs and answers in git mode: ``head``, the settings
  (``settings_key``), the file sets of the ``GitSnapshot`` and every
  ``DocState`` by document. A change-triggered run whose ``HEAD``, settings
  and file list are unchanged re-assesses only the documents whose inputs
  changed (``affected_docs``) and takes every other state from here.
* ``texts``: per document, ``(mtime_ns, size, purpose, title)`` for the docs
  index, so unchanged documents are not read again.

The file is the check's own cache: unreadable, from another version or
damaged, it is ignored (a full run), and a failure to write it only costs
the next run its head start.
"""

from __future__ import annotations

import contextlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from autocode_core.toolkit import write_atomic
from autocode_docs.freshness import DocState
from autocode_docs.git_log import GitLog

__all__ = ["CACHE_NAME", "FORMAT", "RunCache", "Texts", "load_cache", "save_cache"]

CACHE_NAME = "doc_check.pickle"
FORMAT = 2  # 2: logs keyed by project folders

Texts = dict[str, tuple[int, int, str | None, str | None]]


@dataclass
class RunCache:
    """See the module docstring."""

    format: int = FORMAT
    logs: dict[str, GitLog] = field(default_factory=dict)
    head: str | None = None
    settings_key: str = ""
    tracked: frozenset[str] = frozenset()
    untracked: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()
    dirty: frozenset[str] = frozenset()
    states: dict[str, DocState] = field(default_factory=dict)
    texts: Texts = field(default_factory=dict)


def load_cache(folder: Path) -> RunCache:
    """The cache in ``folder``, or an empty one when there is none usable."""
    try:
        found = pickle.loads((folder / CACHE_NAME).read_bytes())
    except Exception:  # noqa: BLE001 - any damage means "no cache": a full run rebuilds it
        return RunCache()
    if not isinstance(found, RunCache) or found.format != FORMAT:
        return RunCache()
    return found


def save_cache(folder: Path, cache: RunCache) -> None:
    """Replace the cache file atomically; a write failure is ignored."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / CACHE_NAME, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
