"""Issue 15: a change-triggered run reports the affected tests first, then the full answer."""

from __future__ import annotations

import anyio
import pytest
from autocode_tests.plugin import TestCheckPlugin

from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio

PROJECT = {
    "app/__init__.py": "",
    "app/a.py": "def a():\n    return 1\n",
    "app/b.py": "def b():\n    return 2\n",
    "tests/app/test_a.py": "from app.a import a\n\ndef test_a():\n    assert a() == 1\n",
    "tests/app/test_b.py": "from app.b import b\n\ndef test_b():\n    assert b() == 2\n",
}
SETTINGS = {"layout": {"integration_test": ""}}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the check runs real pytest subprocesses: one backend is enough here


def _daemon(harness: AutocodeHarness, root, settings=SETTINGS, execution="inline"):
    harness.register(TestCheckPlugin)
    daemon = {"run_at_start": False, "test_check": {"execution": execution}}
    return harness.daemon(root, {"daemon": daemon, "checks": {"test_check": settings}})


def _events(events) -> list:
    found = []
    while True:
        try:
            found.append(events.receive_nowait())
        except anyio.WouldBlock:
            return found


def _answer(result) -> tuple:
    return result.status, result.message, result.details["counts"], result.details["cases"]


async def test_the_affected_tests_come_first_then_the_same_answer_as_a_full_run(
    autocode: AutocodeHarness, make_project
) -> None:
    root = make_project(PROJECT)
    (root / "app" / "a.py").write_text("def a():\n    return 0\n")  # the edit breaks test_a
    daemon = _daemon(autocode, root)

    with daemon.events.subscribe() as events:
        final = await daemon.run_check("test_check", "change", changed_paths=frozenset({"app/a.py"}))
        seen = [e for e in _events(events) if e.check_name == "test_check"]
    daemon.events.close()  # the daemon never ran, so nothing else closes the bus

    assert [e.type for e in seen] == ["check_started", "check_progress", "check_completed"]
    partial = seen[1].result
    assert partial is not None and partial.details["partial"] is True
    assert partial.details["affected_tests"] == ["tests/app/test_a.py"]
    assert partial.message == "(partial) ❌ 1 test failing in 1 file"
    assert partial.details["cases"] == {"passed": 0, "failed": 1, "errors": 0, "skipped": 0, "xfailed": 0}
    assert "partial" not in final.details
    full = await daemon.run_check("test_check")
    assert _answer(final) == _answer(full)
    assert final.details["cases"]["passed"] == 1


async def test_leaving_the_full_run_to_the_schedule_returns_the_partial_result(
    autocode: AutocodeHarness, make_project
) -> None:
    root = make_project(PROJECT)
    daemon = _daemon(autocode, root, {**SETTINGS, "after_partial": "schedule"})

    result = await daemon.run_check(
        "test_check", "change", changed_paths=frozenset({"tests/app/test_b.py"})
    )

    assert result.details["partial"] is True
    assert result.message == "(partial) ✅ All tests found and passing (1 test in 1 file)"


async def test_a_change_that_affects_no_test_runs_the_full_suite_only(
    autocode: AutocodeHarness, make_project
) -> None:
    root = make_project(PROJECT)
    daemon = _daemon(autocode, root)

    with daemon.events.subscribe() as events:
        result = await daemon.run_check(
            "test_check", "change", changed_paths=frozenset({"README.md"})
        )
        types = [e.type for e in _events(events) if e.check_name == "test_check"]
    daemon.events.close()  # the daemon never ran, so nothing else closes the bus

    assert types == ["check_started", "check_completed"]
    assert result.message == "✅ All tests found and passing (2 tests in 2 files)"


async def test_a_worker_process_sends_its_partial_result_to_the_daemon(
    autocode: AutocodeHarness, make_project
) -> None:
    root = make_project(PROJECT)
    daemon = _daemon(autocode, root, {**SETTINGS, "after_partial": "schedule"}, "process")

    with daemon.events.subscribe() as events:
        await daemon.run_check("test_check", "change", changed_paths=frozenset({"app/b.py"}))
        seen = [e for e in _events(events) if e.type == "check_progress"]
    daemon.events.close()  # the daemon never ran, so nothing else closes the bus

    assert [e.result.details["affected_tests"] for e in seen] == [["tests/app/test_b.py"]]
