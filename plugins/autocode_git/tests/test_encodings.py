"""Encodings load with no network: from the packaged copy, or from tiktoken's cache."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from autocode_git.encodings import load_encoding

NO_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise AssertionError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""


def run_offline(code: str, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "TIKTOKEN_CACHE_DIR": str(cache_dir), "HOME": str(cache_dir)}
    return subprocess.run(
        [sys.executable, "-c", NO_NETWORK + textwrap.dedent(code)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cl100k_loads_with_an_empty_cache_and_no_network(tmp_path):
    cache = tmp_path / "empty"
    cache.mkdir()
    done = run_offline(
        """
        from autocode_git import TokenCounter
        counter = TokenCounter("gpt-4")
        assert counter.count("tiktoken is great!") == 6, counter.count("tiktoken is great!")
        assert counter.exact, counter.warning
        print("exact", counter.method)
        """,
        cache,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "exact tiktoken"


def test_unpackaged_encoding_without_cache_fails_fast_without_network(tmp_path):
    done = run_offline(
        """
        from autocode_git.encodings import EncodingUnavailableError, load_encoding
        try:
            load_encoding("o200k_base")
        except EncodingUnavailableError as exc:
            print("unavailable:", exc)
        """,
        tmp_path / "empty",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("unavailable:") and "o200k_base" in done.stdout


def test_an_encoding_in_tiktokens_cache_is_read_with_downloads_refused(tmp_path):
    """Step 2 of the lookup: tiktoken's cache. Seeded with the packaged cl100k ranks under
    the name tiktoken gives the official download, it is read (and hash-checked) offline."""
    import tiktoken_ext

    packaged = Path(tiktoken_ext.__path__[0]) / "data" / "cl100k_base.tiktoken"
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(packaged, cache / hashlib.sha1(url.encode()).hexdigest())
    done = run_offline(
        """
        from autocode_git.encodings import _cached_only
        encoding = _cached_only("cl100k_base")
        print(encoding.name, encoding.encode_ordinary("tiktoken is great!"))
        """,
        cache,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "cl100k_base [83, 1609, 5963, 374, 2294, 0]"
    done = run_offline(
        """
        from autocode_git.encodings import _cached_only
        _cached_only("r50k_base")
        """,
        cache,
    )
    assert "not in tiktoken's cache and downloads are off" in done.stderr


def test_unknown_encoding_name():
    with pytest.raises(ValueError, match="no_such_encoding"):
        load_encoding("no_such_encoding")


def test_cl100k_is_the_same_object_on_every_call():
    assert load_encoding("cl100k_base") is load_encoding("cl100k_base")
    assert load_encoding("cl100k_base").name == "cl100k_base"


def test_packaged_cl100k_is_tiktokens_cl100k(monkeypatch):
    """Same split pattern and special tokens as tiktoken's own definition, ranks verified by hash."""
    import tiktoken_ext.openai_public as public

    monkeypatch.setattr(public, "load_tiktoken_bpe", lambda *args, **kwargs: {})
    official = public.cl100k_base()
    ours = load_encoding("cl100k_base")

    assert ours._pat_str == official["pat_str"]
    assert ours._special_tokens == official["special_tokens"]
    assert ours.n_vocab == 100277
