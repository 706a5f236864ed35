"""Change records as written to the summary file."""

from autocode_git.changes import Change, display_path, status_word


def test_status_words():
    assert [status_word(x) for x in "MTADRCU?"] == [
        "modified",
        "type_changed",
        "added",
        "deleted",
        "renamed",
        "copied",
        "conflicted",
        "untracked",
    ]


def test_json_shape_and_old_file_only_when_set():
    plain = Change("a.txt", "modified", False, 1, 2, False, "diff").to_json()
    moved = Change("b.txt", "renamed", True, 0, 0, False, "", old_file="a.txt").to_json()

    assert list(plain) == [
        "file",
        "status",
        "staged",
        "additions",
        "deletions",
        "binary",
        "tokens",
        "diff_truncated",
        "diff_bytes",
        "diff",
    ]
    assert moved["old_file"] == "a.txt"


def test_paths_that_are_not_utf8_are_shown_with_replacement_characters():
    assert display_path("caf\udce9.txt") == "caf\ufffd.txt"
    assert display_path("ñ.txt") == "ñ.txt"
