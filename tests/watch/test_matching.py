"""Each check's gitignore-style ``watch`` patterns."""

from __future__ import annotations

from autocode_core.watch.matching import CheckPatterns, patterns_for


def test_patterns_are_gitignore_style() -> None:
    patterns = CheckPatterns(["*.py", "docs/", "!docs/build/"])
    assert patterns.matches("src/deep/a.py")
    assert patterns.matches("docs/guide.md") and patterns.matches("sub/docs/x.txt")
    assert not patterns.matches("docs/build/out.html")
    assert not patterns.matches("README.txt")


def test_none_watches_every_file_outside_git_and_an_empty_list_nothing() -> None:
    assert CheckPatterns(None).matches("any/file.bin")
    assert not CheckPatterns(None).matches(".git/HEAD")
    assert not CheckPatterns([]).matches("a.py")


def test_star_watches_git_moves_too() -> None:
    assert CheckPatterns(["*"]).select({".git/HEAD", "a.txt"}) == {".git/HEAD", "a.txt"}


def test_compiled_patterns_are_cached() -> None:
    assert patterns_for(["*.py"]) is patterns_for(["*.py"])
    assert patterns_for(None) is not patterns_for([])
