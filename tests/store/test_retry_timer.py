"""RetryTimer: tries again in its own thread until the attempt works, then goes away."""

from __future__ import annotations

import time

from structlog.testing import capture_logs

from autocode_core.store.retry_timer import RetryTimer


def wait_until(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.005)
    return predicate()


def test_it_retries_until_the_attempt_works_then_stops_and_starts_again_on_demand() -> None:
    answers = [False, RuntimeError("a bug"), False, True]
    tries: list[object] = []

    def attempt() -> bool:
        answer = answers.pop(0) if answers else True
        tries.append(answer)
        if isinstance(answer, Exception):
            raise answer
        return answer

    timer = RetryTimer(attempt, lambda: 0.01, "test-retry")
    with capture_logs() as logs:
        timer.ensure_running()
        assert wait_until(lambda: not timer.running)
    assert len(tries) == 4  # an exception is one failed try, not the end of the thread
    assert [e["event"] for e in logs] == ["history_retry_failed"]
    timer.ensure_running()  # needed again: a new thread
    assert wait_until(lambda: len(tries) == 5 and not timer.running)
    timer.stop()
    timer.ensure_running()  # stopped for good
    assert not timer.running
