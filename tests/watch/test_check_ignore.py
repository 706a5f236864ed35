"""``CheckIgnoreProcess``: one ``git check-ignore`` process, batch after batch."""

from __future__ import annotations

import pytest

from autocode_core.testing import GitRepo
from autocode_core.watch.check_ignore import CheckIgnoreError, CheckIgnoreProcess

pytestmark = pytest.mark.anyio


async def test_one_process_answers_every_batch_and_negations_re_include(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "*.log\n!keep.log\nbuild/\n")
    process = CheckIgnoreProcess(git_repo.path)
    try:
        first = await process.ask(["a.log", "keep.log", "a.py", "build/x.o"])
        pid = process._process.pid if process._process else None
        second = await process.ask(["b.log"])
        assert process._process is not None and process._process.pid == pid
    finally:
        await process.aclose()
    assert first == {"a.log", "build/x.o"} and second == {"b.log"}
    assert process._process is None


async def test_a_big_batch_is_answered_without_filling_the_pipes(git_repo: GitRepo) -> None:
    git_repo.write(".gitignore", "*.log\n")
    paths = [f"deep/folder/name/{i}.{'log' if i % 2 else 'py'}" for i in range(20_000)]
    process = CheckIgnoreProcess(git_repo.path)
    try:
        ignored = await process.ask(paths)
    finally:
        await process.aclose()
    assert len(ignored) == 10_000 and all(p.endswith(".log") for p in ignored)


async def test_outside_a_repository_it_fails_so_the_caller_falls_back(tmp_path) -> None:
    process = CheckIgnoreProcess(tmp_path)
    try:
        with pytest.raises(CheckIgnoreError, match="git check-ignore failed"):
            await process.ask(["a.py"])
    finally:
        await process.aclose()
