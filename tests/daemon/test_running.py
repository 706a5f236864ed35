"""``run_check`` / ``run_checks``: the path every run takes, with or without a running daemon."""

from __future__ import annotations

import anyio
import pytest

from autocode_core import CheckNotFoundError, CheckPlugin, CheckResult, hookimpl
from autocode_core.testing import AutocodeHarness

pytestmark = pytest.mark.anyio


class Meeting:
    """A barrier for ``size`` checks, and a gauge of how many run at once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.arrived = 0
        self.everyone = anyio.Event()
        self.active = 0
        self.peak = 0
        self.calls: list[str] = []


class Meet(CheckPlugin):
    """Waits until every check of the meeting runs, then finishes after ``delay``."""

    name = "meet_a"
    timeout_seconds = 3
    delay = 0.5
    meeting: Meeting

    async def execute(self, context):
        meeting = type(self).meeting
        meeting.calls.append(self.name)
        meeting.arrived += 1
        if meeting.arrived == meeting.size:
            meeting.everyone.set()
        await meeting.everyone.wait()  # sequential runs never get past this (timeout)
        await anyio.sleep(self.delay)
        return CheckResult(status="success", message=f"{self.name} met {meeting.arrived}")


class MeetB(Meet):
    name = "meet_b"
    delay = 0.25


class MeetC(Meet):
    name = "meet_c"
    delay = 0.0


class Busy(CheckPlugin):
    """Counts how many ``Busy`` checks run at once."""

    name = "busy_a"
    meeting: Meeting
    gate: anyio.Event

    async def execute(self, context):
        meeting = type(self).meeting
        meeting.calls.append(self.name)
        meeting.active += 1
        meeting.peak = max(meeting.peak, meeting.active)
        try:
            await type(self).gate.wait()
        finally:
            meeting.active -= 1
        return CheckResult(status="success", message=f"{self.name} {len(meeting.calls)}")


class BusyB(Busy):
    name = "busy_b"


class BusyC(Busy):
    name = "busy_c"


class Broken:
    @hookimpl
    def get_config(self):
        raise RuntimeError("cannot describe myself")

    @hookimpl
    def execute(self):
        pass


class Heard:
    def __init__(self) -> None:
        self.runs = []

    @hookimpl
    def on_check_completed(self, run):
        self.runs.append(run)


def daemon_of(tmp_path, *plugins, config=None):
    h = AutocodeHarness()
    for plugin in plugins:
        h.register(plugin[1], plugin[0]) if isinstance(plugin, tuple) else h.register(plugin)
    return h.daemon(tmp_path, {"daemon": {"run_at_start": False}} if config is None else config)


def drain(events) -> list:
    """The events already published to a subscription."""
    got = []
    while True:
        try:
            got.append(events.receive_nowait())
        except anyio.WouldBlock:
            return got


async def until(condition, timeout: float = 5) -> None:
    with anyio.fail_after(timeout):
        while not condition():
            await anyio.sleep(0.01)


async def test_run_checks_runs_them_at_once_and_keeps_the_order_asked(tmp_path) -> None:
    Meet.meeting = Meeting(3)
    daemon = daemon_of(
        tmp_path, Meet, MeetB, MeetC, config={"daemon": {"max_concurrent_checks": 3}}
    )
    with daemon.events.subscribe() as events:
        results = await daemon.run_checks(["meet_c", "meet_a", "meet_b"], trigger="cli")
        finished = [e.check_name for e in drain(events) if e.type == "check_completed"]
    daemon.events.close()  # a daemon that never ran never closes its bus
    assert [r.check_name for r in results] == ["meet_c", "meet_a", "meet_b"]
    assert [r.status for r in results] == ["success"] * 3, [r.message for r in results]
    assert finished == ["meet_c", "meet_b", "meet_a"]  # completion order differs from the answer's
    assert [r.trigger for r in daemon.get_history(limit=3)] == ["cli"] * 3


async def test_run_checks_runs_each_name_once_and_answers_load_failures_in_place(tmp_path) -> None:
    Busy.meeting, Busy.gate = Meeting(0), anyio.Event()
    Busy.gate.set()
    daemon = daemon_of(tmp_path, Busy, ("broken_check", Broken()))
    results = await daemon.run_checks(["busy_a", "broken_check", "busy_a"])
    assert [r.check_name for r in results] == ["busy_a", "broken_check"]
    assert results[1].details["failure"] == "load_error" and Busy.meeting.calls == ["busy_a"]
    assert daemon.total_checks_run == 1  # a load failure is answered, not run


async def test_an_unknown_name_is_refused_before_anything_runs(tmp_path) -> None:
    Busy.meeting, Busy.gate = Meeting(0), anyio.Event()
    daemon = daemon_of(tmp_path, Busy, ("broken_check", Broken()))
    with pytest.raises(CheckNotFoundError, match=r"'nope' \(known: broken_check, busy_a\)"):
        await daemon.run_checks(["busy_a", "nope"])
    with pytest.raises(CheckNotFoundError):
        await daemon.run_check("nope")
    assert Busy.meeting.calls == [] and daemon.total_checks_run == 0


async def test_concurrent_callers_share_the_limit_with_no_daemon_running(tmp_path) -> None:
    Busy.meeting, Busy.gate = Meeting(0), anyio.Event()
    daemon = daemon_of(
        tmp_path,
        Busy,
        BusyB,
        BusyC,
        config={"daemon": {"run_at_start": False, "max_concurrent_checks": 1}},
    )
    assert not daemon.is_running()
    answers = {}

    async def one(name: str) -> None:
        answers[name] = await daemon.run_check(name)

    async def several() -> None:
        answers["several"] = await daemon.run_checks(["busy_b", "busy_c"])

    async with anyio.create_task_group() as tg:
        tg.start_soon(one, "busy_a")
        tg.start_soon(several)
        await until(lambda: len(daemon.running_checks) == 3)  # all asked for, one slot
        snap = daemon.snapshot()
        assert sorted(c.run.state for c in snap.checks.values()) == ["queued", "queued", "running"]
        Busy.gate.set()
    assert Busy.meeting.peak == 1 and len(Busy.meeting.calls) == 3
    daemon.update_config({"daemon": {"max_concurrent_checks": 3}})  # the same runner, a new limit
    Busy.meeting, Busy.gate = Meeting(0), anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(several)
        tg.start_soon(one, "busy_a")
        await until(lambda: Busy.meeting.active == 3)
        Busy.gate.set()
    assert Busy.meeting.peak == 3


async def test_concurrent_callers_join_one_run_with_no_daemon_running(tmp_path) -> None:
    Busy.meeting, Busy.gate = Meeting(0), anyio.Event()
    heard = Heard()
    daemon = daemon_of(tmp_path, Busy, BusyB, ("heard", heard))
    answers = []

    async def one() -> None:
        answers.append(await daemon.run_check("busy_a", "api"))

    async def several() -> None:
        answers.extend(await daemon.run_checks(["busy_b", "busy_a"]))

    with daemon.events.subscribe() as events:
        async with anyio.create_task_group() as tg:
            tg.start_soon(one)
            await until(lambda: Busy.meeting.calls == ["busy_a"])
            run_id = daemon.run_in_progress("busy_a").id
            tg.start_soon(one)
            tg.start_soon(several)
            await until(lambda: daemon.running_checks == ["busy_a", "busy_b"])
            Busy.gate.set()
        started = [e.check_name for e in drain(events) if e.type == "check_started"]
    daemon.events.close()  # a daemon that never ran never closes its bus
    assert sorted(started) == ["busy_a", "busy_b"]  # one run of busy_a, three callers
    assert Busy.meeting.calls.count("busy_a") == 1
    joined = [r for r in answers if r.check_name == "busy_a"]
    assert len(joined) == 3 and all(r is joined[0] for r in joined)
    assert daemon.total_checks_run == 2
    assert [(r.run_id, r.trigger) for r in heard.runs if r.check_name == "busy_a"] == [
        (run_id, "api")
    ]


async def test_one_shot_listeners_have_run_when_run_check_returns(tmp_path) -> None:
    Busy.meeting, Busy.gate = Meeting(0), anyio.Event()
    Busy.gate.set()
    heard = Heard()
    daemon = daemon_of(tmp_path, Busy, ("heard", heard))
    result = await daemon.run_check("busy_a")
    assert [run.result for run in heard.runs] == [result]
    run = heard.runs[0]
    assert (run.plugin, run.trigger, run.consecutive_errors) == ("busy_a", "manual", 0)
    assert run.project_root == tmp_path.resolve() and run.config is daemon.config


async def test_a_caller_cancelled_from_outside_leaves_joiners_an_error(tmp_path) -> None:
    Busy.meeting, Busy.gate = Meeting(0), anyio.Event()
    daemon = daemon_of(tmp_path, Busy)
    scope = anyio.CancelScope()
    answers = []

    async def owner() -> None:
        with scope:
            await daemon.run_check("busy_a")

    async def joiner() -> None:
        answers.append(await daemon.run_check("busy_a"))

    async with anyio.create_task_group() as tg:
        tg.start_soon(owner)
        await until(lambda: Busy.meeting.calls == ["busy_a"])
        tg.start_soon(joiner)
        await anyio.wait_all_tasks_blocked()  # the joiner waits for the run in progress
        scope.cancel()
    assert answers[0].status == "error" and answers[0].details["failure"] == "cancelled"
    assert Busy.meeting.calls == ["busy_a"] and daemon.running_checks == []
    assert daemon.total_checks_run == 0  # nothing finished, nothing recorded


class TwinA(CheckPlugin):
    name = "twin_check"

    def execute(self, context):
        return CheckResult(status="success", message="twin")


class TwinB(TwinA):
    pass


async def test_a_check_claimed_twice_answers_its_load_error(tmp_path) -> None:
    daemon = daemon_of(tmp_path, ("twin_a", TwinA), ("twin_b", TwinB))
    result = await daemon.run_check("twin_check")
    assert (
        result.details["failure"] == "load_error"
        and "claimed by more than one plugin" in result.message
    )
    with pytest.raises(CheckNotFoundError):
        await daemon.run_check("nope")


async def test_a_failed_plugin_asked_for_by_its_own_name_answers_its_load_error(tmp_path) -> None:
    daemon = daemon_of(tmp_path, ("twin_a", TwinA), ("twin_b", TwinB))
    result = await daemon.run_check("twin_b")
    assert result.details["failure"] == "load_error"


class SeesChanges(CheckPlugin):
    name = "changes_check"
    seen: list = []

    def execute(self, context):
        type(self).seen.append((context.trigger, context.changed_paths))
        return CheckResult(status="success", message="seen")


async def test_changed_paths_reach_the_plugin_only_for_the_run_that_carries_them(tmp_path) -> None:
    SeesChanges.seen = []
    daemon = daemon_of(tmp_path, SeesChanges)
    await daemon.run_check("changes_check", "change", changed_paths=frozenset({"pkg/m.py"}))
    await daemon.run_check("changes_check")
    assert SeesChanges.seen == [("change", frozenset({"pkg/m.py"})), ("manual", None)]
