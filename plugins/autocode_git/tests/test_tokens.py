"""``TokenCounter``: exact counts, special tokens as text, estimates labelled as such."""

from __future__ import annotations

import pytest
from autocode_git import TokenCounter


def test_exact_cl100k_counts_for_gpt4():
    counter = TokenCounter(model="gpt-4")

    assert counter.encoding_name == "cl100k_base"
    assert counter.count("tiktoken is great!") == 6  # [83, 1609, 5963, 374, 2294, 0]
    assert counter.count("hello world") == 2
    assert counter.count("") == 0
    assert counter.exact is True and counter.method == "tiktoken" and counter.warning is None


def test_special_token_strings_are_counted_as_text():
    counter = TokenCounter()

    assert counter.count("<|endoftext|>") == 7
    assert counter.count("a <|endoftext|> b <|fim_prefix|>") > 7


def test_encoding_follows_the_model_or_an_explicit_encoding():
    assert TokenCounter("gpt-4o").encoding_name == "o200k_base"
    assert TokenCounter("gpt-3.5-turbo").encoding_name == "cl100k_base"
    assert TokenCounter("my-private-model", encoding="cl100k_base").encoding_name == "cl100k_base"


def test_unknown_model_is_refused_not_replaced():
    with pytest.raises(ValueError, match="gpt-nine"):
        TokenCounter("gpt-nine")


def test_encoding_that_cannot_load_offline_gives_a_labelled_estimate(monkeypatch, tmp_path):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    counter = TokenCounter("gpt-4o")  # o200k_base is not packaged

    assert counter.count("x" * 400) == 100
    assert counter.exact is False and counter.method == "estimate"
    assert "o200k_base" in counter.warning and "estimate" in counter.warning


def test_count_many_matches_count():
    counter = TokenCounter()
    texts = ["def f():\n    return 1\n", "", "ñandú <|endoftext|>", "x" * 1000]

    assert counter.count_many(texts) == [counter.count(t) for t in texts]


def test_count_file(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"print('hi')\n\xff")

    assert TokenCounter().count_file(path) == TokenCounter().count("print('hi')\n\ufffd")
