"""``TokenCounter``: exact LLM token counts with tiktoken, or an estimate labelled as such.

Usable on its own::

    from autocode_git import TokenCounter
    counter = TokenCounter(model="gpt-4")          # cl100k_base
    counter.count("def f(): ...")                  # -> int
    counter.count_file("src/app.py")

Special-token strings such as ``<|endoftext|>`` are counted as ordinary text.
When the encoding's BPE ranks cannot be loaded offline (see ``encodings``),
the counter does not crash and does not pretend: ``exact`` is false,
``method`` says ``estimate``, ``warning`` says why, and counts are
``ceil(bytes / 4)``.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from autocode_git.encodings import EncodingUnavailableError, load_encoding
from autocode_git.settings import encoding_for_model_name

if TYPE_CHECKING:
    import tiktoken

__all__ = ["BYTES_PER_TOKEN_ESTIMATE", "TokenCounter"]

#: the estimate used when no encoding can be loaded: UTF-8 bytes per token
BYTES_PER_TOKEN_ESTIMATE = 4


class TokenCounter:
    """Counts tokens for one model or encoding.

    :param model: a model tiktoken knows (``gpt-4``, ``gpt-4o``, ...); ignored
        for the encoding choice when ``encoding`` is given.
    :param encoding: an explicit tiktoken encoding name.
    :param allow_download: let tiktoken download ranks it has neither packaged nor cached.
    :raises ValueError: unknown model (with no ``encoding``) or unknown encoding.

    The encoding is loaded on first use, not in the constructor.
    """

    def __init__(
        self, model: str = "gpt-4", *, encoding: str | None = None, allow_download: bool = False
    ) -> None:
        self.model = model
        if encoding is None:
            try:
                encoding = encoding_for_model_name(model)
            except KeyError:
                raise ValueError(
                    f"unknown model {model!r}: tiktoken cannot map it to an encoding"
                ) from None
        self.encoding_name = encoding
        self.allow_download = allow_download
        self._lock = threading.Lock()
        self._loaded = False
        self._encoding: tiktoken.Encoding | None = None
        self._warning: str | None = None

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            try:
                self._encoding = load_encoding(
                    self.encoding_name, allow_download=self.allow_download
                )
            except EncodingUnavailableError as exc:
                self._warning = (
                    f"{exc}; token counts are estimates (~{BYTES_PER_TOKEN_ESTIMATE} bytes/token)"
                )
            self._loaded = True

    @property
    def exact(self) -> bool:
        """True when counts come from the real tokenizer (loads the encoding)."""
        self._load()
        return self._encoding is not None

    @property
    def method(self) -> str:
        """``"tiktoken"`` or ``"estimate"``."""
        return "tiktoken" if self.exact else "estimate"

    @property
    def warning(self) -> str | None:
        """Why counts are estimates, or ``None`` when they are exact."""
        self._load()
        return self._warning

    def count(self, text: str) -> int:
        """Tokens in ``text``; special-token strings count as plain text."""
        if not text:
            return 0
        self._load()
        if self._encoding is None:
            return math.ceil(len(text.encode("utf-8", "surrogatepass")) / BYTES_PER_TOKEN_ESTIMATE)
        return len(self._encoding.encode_ordinary(text))

    def count_many(self, texts: list[str]) -> list[int]:
        """``count`` for each text, in order (in parallel threads for exact counts)."""
        self._load()
        if self._encoding is None or len(texts) < 2:
            return [self.count(t) for t in texts]
        threads = min(8, os.cpu_count() or 1)
        return [
            len(ids) for ids in self._encoding.encode_ordinary_batch(texts, num_threads=threads)
        ]

    def count_file(self, path: str | os.PathLike[str]) -> int:
        """Tokens in a text file (UTF-8, undecodable bytes replaced).

        :raises OSError: the file cannot be read.
        """
        return self.count(Path(path).read_text(encoding="utf-8", errors="replace"))

    def __repr__(self) -> str:
        return f"TokenCounter(model={self.model!r}, encoding={self.encoding_name!r})"
