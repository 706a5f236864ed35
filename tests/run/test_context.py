"""``CheckContext``: what ``execute`` receives."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from autocode_core.testing import make_context


def test_run_process_defaults_to_the_project_root(tmp_path) -> None:
    context = make_context("c", tmp_path)
    assert context.run_process(["pwd"]).stdout.strip() == str(tmp_path)
    other = tmp_path / "sub"
    other.mkdir()
    assert context.run_process(["pwd"], cwd=other).stdout.strip() == str(other)


@pytest.mark.anyio
async def test_run_process_async(tmp_path) -> None:
    done = await make_context("c", tmp_path).run_process_async(["sh", "-c", "echo hi"])
    assert done.stdout == "hi\n"


def test_context_is_read_only(tmp_path) -> None:
    context = make_context("c", tmp_path)
    with pytest.raises(ValidationError):
        context.check_name = "other"
