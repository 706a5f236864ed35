"""Partial results: ``context.report_partial`` becomes a ``check_progress`` event, never stored."""

from __future__ import annotations

import anyio
import pytest

from autocode_core import CheckPlugin, CheckResult
from autocode_core.testing import AutocodeHarness, make_context

pytestmark = pytest.mark.anyio


class Reports(CheckPlugin):
    """Reports one partial result from its worker thread, then finishes."""

    name = "reports_check"

    def execute(self, context):
        delivered = context.report_partial(CheckResult(status="error", message="first look"))
        return CheckResult(status="success", message=f"done (delivered={delivered})")


class ReportsAsync(CheckPlugin):
    """The same from ``async def`` (on the event loop itself)."""

    name = "reports_async"

    async def execute(self, context):
        context.report_partial(CheckResult(status="warning", message="first look"))
        await anyio.sleep(0)
        return CheckResult(status="success", message="done")


def _drain(events) -> list:
    found = []
    while True:
        try:
            found.append(events.receive_nowait())
        except anyio.WouldBlock:
            return found


@pytest.mark.parametrize(("plugin", "name"), [(Reports, "reports_check"), (ReportsAsync, "reports_async")])
async def test_a_partial_result_is_an_event_before_the_completed_one(tmp_path, plugin, name) -> None:
    harness = AutocodeHarness()
    harness.register(plugin)
    daemon = harness.daemon(tmp_path, {"daemon": {"run_at_start": False}})
    with daemon.events.subscribe() as events:
        final = await daemon.run_check(name, "change", changed_paths=frozenset({"a.py"}))
        seen = [e for e in _drain(events) if e.check_name == name]
    daemon.events.close()  # the daemon never ran, so nothing else closes the bus
    assert [e.type for e in seen] == ["check_started", "check_progress", "check_completed"]
    progress = seen[1]
    assert progress.result is not None and progress.result.message == "first look"
    assert progress.result.check_name == name
    assert progress.data["partial"] is True and progress.trigger == "change"
    assert progress.data["run_id"] == seen[0].data["run_id"]
    assert final.message.startswith("done")
    latest = daemon.snapshot().checks[name].result
    assert latest is not None and latest.message.startswith("done")  # the partial is not stored


def test_without_a_reporter_report_partial_says_nobody_listens(tmp_path) -> None:
    context = make_context("reports_check", tmp_path)
    assert context.report_partial(CheckResult(status="success", message="x")) is False
