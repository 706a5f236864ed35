"""The token budget of a change summary: per-change counts, total, exclusions, costliest files.

Each change's ``tokens`` counts its ``diff`` text exactly as written to the
summary file (after any cap). Changes of files matched by
``TokenSettings.exclude`` are left out (``token_excluded``) and listed. Counts
are cached by the SHA-256 of the diff text and the encoding, in a small JSON
file in the check's state folder (``context.state_folder()``), so an
unchanged diff is never tokenized twice; estimates are never cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autocode_core.toolkit import write_json_atomic
from autocode_git.changes import Change, display_path
from autocode_git.globs import matching_glob
from autocode_git.settings import TokenSettings
from autocode_git.tokens import TokenCounter

__all__ = ["TokenBudget", "TokenCache", "apply_token_budget"]

_CACHE_VERSION = 1


class TokenCache:
    """Token counts by ``(encoding, sha256 of text)``, persisted at ``path`` (or memory only)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._counts: dict[str, int] = {}
        self._used: dict[str, int] = {}
        self.hits = 0
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") == _CACHE_VERSION and isinstance(data.get("counts"), dict):
                    self._counts = {k: v for k, v in data["counts"].items() if isinstance(v, int)}
            except (OSError, ValueError, AttributeError):
                self._counts = {}

    @staticmethod
    def key(encoding: str, text: str) -> str:
        return encoding + ":" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> int | None:
        value = self._counts.get(key)
        if value is not None:
            self.hits += 1
            self._used[key] = value
        return value

    def put(self, key: str, value: int) -> None:
        self._counts[key] = value
        self._used[key] = value

    def save(self) -> None:
        """Keep only the entries used in this run (``write_json_atomic``); failures are
        ignored: a cache that cannot be written only costs time on the next run."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            write_json_atomic(self.path, {"version": _CACHE_VERSION, "counts": self._used}, indent=None)


@dataclass
class TokenBudget:
    """The figures of a summary's budget, as shown in the file and the result."""

    total: int
    threshold: int
    model: str
    encoding: str
    exact: bool
    warning: str | None
    excluded_files: list[str] = field(default_factory=list)
    top_files: list[dict[str, Any]] = field(default_factory=list)
    counted_now: int = 0
    cache_hits: int = 0

    @property
    def over_threshold(self) -> bool:
        return self.total > self.threshold

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "threshold": self.threshold,
            "over_threshold": self.over_threshold,
            "model": self.model,
            "encoding": self.encoding,
            "method": "tiktoken" if self.exact else "estimate",
            "exact": self.exact,
            "warning": self.warning,
            "excluded_files": [display_path(p) for p in self.excluded_files],
            "top_files": self.top_files,
        }


def apply_token_budget(
    changes: list[Change], config: TokenSettings, counter: TokenCounter, cache: TokenCache
) -> TokenBudget:
    """Count every change's tokens (setting ``Change.tokens``) and sum the budget."""
    excluded: set[str] = set()
    pending: list[tuple[Change, str]] = []
    for change in changes:
        if matching_glob(change.file, config.exclude) is not None:
            change.token_excluded = True
            change.tokens = None
            excluded.add(change.file)
            continue
        key = TokenCache.key(counter.encoding_name, change.diff)
        cached = cache.get(key) if counter.exact else None
        if cached is not None:
            change.tokens = cached
        else:
            pending.append((change, key))
    counts = counter.count_many([change.diff for change, _ in pending])
    for (change, key), count in zip(pending, counts, strict=True):
        change.tokens = count
        if counter.exact:
            cache.put(key, count)
    per_file: dict[str, int] = defaultdict(int)
    for change in changes:
        if change.tokens is not None:
            per_file[change.file] += change.tokens
    ranked = sorted(per_file.items(), key=lambda item: (-item[1], item[0]))
    return TokenBudget(
        total=sum(per_file.values()),
        threshold=config.threshold,
        model=config.model,
        encoding=counter.encoding_name,
        exact=counter.exact,
        warning=counter.warning,
        excluded_files=sorted(excluded),
        top_files=[
            {"file": display_path(f), "tokens": n} for f, n in ranked[: config.top_files] if n
        ],
        counted_now=len(pending),
        cache_hits=len(changes) - len(pending) - len([c for c in changes if c.token_excluded]),
    )
