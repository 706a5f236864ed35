"""The Prometheus text rendering on its own."""

from __future__ import annotations

from autocode_core.server.prometheus import _escape, _number


def test_label_values_are_escaped() -> None:
    assert _escape('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


def test_numbers_use_the_exposition_spelling() -> None:
    assert _number(1) == "1"
    assert _number(0.5) == "0.5"
    assert _number(float("inf")) == "+Inf"
    assert _number(float("nan")) == "NaN"
