"""Which commits of a ``GitLog`` a document has "seen": ancestry, not commit order.

A document has seen a code change when the commit that made it is an
ancestor of (or is) a commit that changed the document, the meaning of
``git rev-list <doc commit>..HEAD -- <code>`` being empty. Commit dates and
the order of ``git log`` play no part: a change made on a branch (dated
Jan 2) and merged after the document was edited on main (Jan 3) has not
been seen by that edit.

``Ancestry`` answers for the whole tree from the one ``git log`` already
read (its ``--parents`` graph), without another git call:

* a log without merges is one chain: commit ``i`` is an ancestor of ``j``
  exactly when ``i >= j`` (log indexes, newest first), no work at all;
* otherwise the ancestor set of each commit that changed a document is
  computed once, as a bit set, walking the log from its oldest commit (each
  set is the union of its parents' sets; sets nobody needs any more are
  dropped on the way, so a long linear stretch holds one set at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from autocode_docs.git_log import GitLog

__all__ = ["Ancestry"]


def _ancestor_sets(parents: Sequence[Sequence[int]], keep: set[int]) -> dict[int, int]:
    """Commit index -> bit set of its ancestors (itself included), for ``keep`` only."""
    left = [0] * len(parents)
    for ps in parents:
        for p in ps:
            left[p] += 1
    live: dict[int, int] = {}
    out: dict[int, int] = {}
    for i in range(len(parents) - 1, -1, -1):
        bits = 1 << i
        for p in parents[i]:
            bits |= live[p]
            left[p] -= 1
            if not left[p]:
                del live[p]
        if left[i]:
            live[i] = bits
        if i in keep:
            out[i] = bits
    return out


class Ancestry:
    """Ancestry questions about the commits of one log.

    :param needed: gives the commits that will be asked about as "document
        commits" (``unseen``'s ``seen_by``; others answer as if they had no
        ancestors); called only when the log has merges.
    """

    def __init__(self, log: GitLog, needed: Callable[[], Iterable[int]]) -> None:
        self.linear = not log.has_merges
        self._sets: dict[int, int] = {}
        if not self.linear:
            self._sets = _ancestor_sets(log.parents, set(needed()))

    def unseen(self, commits: Sequence[int], seen_by: Sequence[int]) -> list[int]:
        """The ``commits`` that are not ancestors of (nor equal to) any of ``seen_by``."""
        if not seen_by:
            return list(commits)
        if self.linear:
            newest = min(seen_by)
            return [c for c in commits if c < newest]
        mask = 0
        for d in seen_by:
            mask |= self._sets.get(d, 0)
        # one conversion, then each test reads one byte (a shift copies the whole set)
        bits = mask.to_bytes((mask.bit_length() + 7) // 8 or 1, "little")
        size = len(bits)
        return [c for c in commits if (c >> 3) >= size or not (bits[c >> 3] >> (c & 7)) & 1]
