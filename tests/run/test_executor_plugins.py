"""Executors from installed distributions (entry-point group ``autocode.executors``), and
an executor's problem making the daemon's readiness degraded."""

from __future__ import annotations

import sys
import textwrap

import anyio
import pytest

from autocode_core import CheckPlugin, CheckResult
from autocode_core.run.executor import CheckExecutor, InlineExecutor
from autocode_core.run.executor_plugins import installed_executors
from autocode_core.server.routes_health import readiness
from autocode_core.testing import AutocodeHarness

MODULE = '''
from autocode_core.run.executor import InlineExecutor

class Remote(InlineExecutor):
    name = "remote"

def factory(setup):
    return Remote()

not_callable = 42
'''


@pytest.fixture
def site(tmp_path, monkeypatch):
    (tmp_path / "remote_exec.py").write_text(textwrap.dedent(MODULE))
    info = tmp_path / "remote_exec-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: remote-exec\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[autocode.executors]\nremote = remote_exec:factory\nbroken = remote_exec:missing\n"
        "odd = remote_exec:not_callable\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("remote_exec", None)


def test_installed_executors_are_found_and_broken_ones_left_out(site) -> None:
    found = installed_executors()
    assert "remote" in found and "broken" not in found and "odd" not in found
    assert found["remote"](None).name == "remote"  # type: ignore[arg-type]


class Quick(CheckPlugin):
    name = "quick_check"

    def execute(self, context):
        return CheckResult(status="success", message="ok")


class Troubled(InlineExecutor):
    name = "troubled"

    def problem(self) -> str | None:
        return "broker unreachable: redis://b:6379/0"


def test_an_executor_problem_makes_readiness_degraded(tmp_path) -> None:
    harness = AutocodeHarness()
    harness.register(Quick)
    daemon = harness.daemon(tmp_path, {"daemon": {"execution": "troubled", "run_at_start": False}},
                            executors={"troubled": lambda setup: Troubled()})

    async def main() -> tuple[list[str], list[str], CheckResult]:
        async with daemon:
            result = await daemon.run_check("quick_check")
            return (*await readiness(daemon), result)

    blocking, degraded, result = anyio.run(main)
    assert result.status == "success" and not blocking
    assert degraded == ["executor troubled: broker unreachable: redis://b:6379/0"]
    assert isinstance(Troubled(), CheckExecutor) and CheckExecutor.problem(Troubled()) is None
