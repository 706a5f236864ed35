"""Untracked files' diffs match what git prints for a new file."""

from __future__ import annotations

import re
import subprocess

import pytest
from autocode_git.untracked import cut_at_line, untracked_diff


def git_new_file_diff(repo, path: str) -> str:
    repo.git("add", "-N", "--", path)
    raw = subprocess.run(
        ["git", "diff", "--no-color", "--", path], cwd=repo.path, capture_output=True, check=True
    )
    repo.git("reset", "-q", "--", path)
    text = raw.stdout.decode("utf-8")
    return re.sub(r"(?m)^index [0-9a-f.]+\n", "", text)


@pytest.mark.parametrize(
    "content",
    [
        b"one\ntwo\n",
        b"no final newline",
        b"",
        b"\n\n",
        b"single\n",
        "ñandú\r\nwindows\r\n".encode(),
        b"a\x00binary",
    ],
)
def test_same_text_as_git(git_repo, content):
    git_repo.write("base.txt", "b\n")
    git_repo.commit("base")
    git_repo.write("new.txt", content)

    ours = untracked_diff(git_repo.path / "new.txt", "new.txt", 100_000)

    assert ours.patch == git_new_file_diff(git_repo, "new.txt")
    assert ours.truncated is False
    assert ours.binary is (b"\0" in content)


def test_line_count_covers_the_whole_file_even_when_cut(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("".join(f"{i}\n" for i in range(100_000)))

    diff = untracked_diff(path, "big.txt", 500)

    assert diff.additions == 100_000
    assert diff.truncated and len(diff.patch.encode()) <= 500 and diff.patch.endswith("\n")
    assert diff.size > 500_000


def test_cut_at_line_never_splits_a_character():
    assert cut_at_line("ab\nñññ\n", 6) == "ab\n"
    assert cut_at_line("ñññññ", 5) == "ññ"
    assert cut_at_line("short\n", 100) == "short\n"
