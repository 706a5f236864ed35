"""The test kit that plugin authors use (``autocode_core.testing``)."""

from __future__ import annotations

from pydantic import BaseModel

from autocode_core import AutocodeConfig, CheckPlugin, CheckResult
from autocode_core.testing import make_context


class Settings(BaseModel):
    needle: str = "TODO"


class TodoCheck(CheckPlugin):
    """Counts tracked files that contain the needle."""

    name = "todo_check"
    settings_model = Settings

    def execute(self, context):
        tracked = context.run_process(["git", "ls-files", "-z"]).stdout.split("\0")
        hits = [p for p in tracked if p and context.settings.needle in (context.project_root / p).read_text()]
        status = "warning" if hits else "success"
        return CheckResult(status=status, message=f"{len(hits)} files", details={"files": hits})


def test_git_repo_fixture_and_run_check(autocode, git_repo) -> None:
    git_repo.write("a.py", "# TODO fix\n")
    git_repo.write("b.py", "# FIXME later\n")
    sha = git_repo.commit("initial", date="2026-01-02T03:04:05Z")
    assert len(sha) == 40
    assert git_repo.git("log", "-1", "--format=%aI").strip() == "2026-01-02T03:04:05+00:00"
    autocode.register(TodoCheck)
    result = autocode.run_check("todo_check", git_repo.path)
    assert (result.status, result.details) == ("warning", {"files": ["a.py"]})
    result = autocode.run_check("todo_check", git_repo.path, settings={"needle": "FIXME"})
    assert result.details == {"files": ["b.py"]}


async def test_async_run_check(autocode, git_repo) -> None:
    git_repo.write("c.py", "clean\n")
    git_repo.commit()
    autocode.register(TodoCheck)
    assert (await autocode.arun_check("todo_check", git_repo.path)).status == "success"


test_async_run_check = __import__("pytest").mark.anyio(test_async_run_check)


def test_harness_loads_only_registered_plugins(autocode) -> None:
    autocode.register(TodoCheck)
    assert list(autocode.load().checks) == ["todo_check"]


def test_make_context_for_direct_calls(tmp_path) -> None:
    context = make_context("todo_check", tmp_path, Settings(needle="x"), config=AutocodeConfig())
    assert context.project_root == tmp_path and context.settings.needle == "x"
    assert context.run_process(["pwd"]).stdout.strip() == str(tmp_path)
