"""Titles and purposes read from Markdown."""

from __future__ import annotations

import pytest
from autocode_docs.markdown_purpose import extract_purpose, extract_title, strip_emphasis


@pytest.mark.parametrize(
    "heading",
    [
        "## 🎯 Propósito",
        "## 🎯 Propósito del Módulo",
        "## Purpose",
        "## purpose of this file",
        "##  🎯Proposito",
    ],
)
def test_purpose_headings(heading):
    text = f"# T\n\n{heading}\n\nEl **módulo** `x` hace *cosas* y __más__.\nSecond line.\n"
    assert extract_purpose(text) == "El módulo x hace cosas y más."


def test_no_purpose():
    assert extract_purpose("# T\n\n## Other\ntext\n") is None
    assert extract_purpose("## Purpose\n\n## Next\ntext\n") is None
    assert extract_purpose("```\n## Purpose\nin code\n```\n") is None


def test_snake_case_is_not_emphasis():
    assert strip_emphasis("uses do_this_now and 2*3*4") == "uses do_this_now and 2*3*4"


def test_title_is_first_level_one_heading_outside_code():
    assert (
        extract_title("```\n# not this\n```\n## Sub\n# **Vidi** Engine #\n# Later\n")
        == "Vidi Engine"
    )
    assert extract_title("no heading") is None
