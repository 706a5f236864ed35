"""The dashboard: its assets over HTTP, and the page in a real browser (Debian's chromium)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import pytest

from autocode_core import CheckContext, CheckPlugin, CheckResult, Finding
from autocode_core.server.dashboard import ASSETS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def test_the_page_and_every_asset_are_served_by_the_package(server: Any) -> None:
    page = server.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    for script in ("cards.js", "dashboard.js", "live.js"):
        assert f'<script src="/static/{script}" defer>' in page.text
    for name, media in ASSETS.items():
        response = server.client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == media
        text = re.sub(r"http://www\.w3\.org/2000/svg", "", response.text)
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, name
    assert server.client.get("/static/nope.js").status_code == 404


def test_docs_is_an_offline_page_over_the_openapi_description(server: Any) -> None:
    docs = server.client.get("/docs")
    assert docs.status_code == 200 and "/static/docs.js" in docs.text
    paths = server.client.get("/openapi.json").json()["paths"]
    assert {
        "/api/status",
        "/api/checks",
        "/api/checks/{name}",
        "/api/checks/{name}/history",
        "/api/checks/{name}/run",
        "/api/checks/{name}/cancel",
        "/api/runs/{run_id}",
        "/api/config",
        "/api/scheduler/tasks",
        "/api/scheduler/tasks/{name}/{action}",
        "/api/plugins",
        "/api/events",
        "/health/live",
        "/health/ready",
        "/metrics",
    } <= set(paths)
    assert "patch" in paths["/api/config"]


# ------------------------------------------------------------------ browser
def _playwright() -> Any:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(
            "no browser driver: the playwright package is not installed (pip install playwright)"
        )
    return sync_playwright


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("AUTOCODE_ARTIFACTS", tmp_path / "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser: Any, url: str, width: int = 1280) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    return context, page, problems


def test_api_docs_page_renders_offline(server: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    context, page, problems = _open(browser, f"{server.url}/docs")
    try:
        expect(page.locator("section.op").first).to_be_visible()
        assert page.locator("section.op").count() >= 14
        expect(page.locator("section.op", has_text="/api/config").first).to_be_visible()
        assert problems == []
    finally:
        context.close()


# ------------------------------------------------------------------ the triage page
class FailingTests(CheckPlugin):
    """Test results with findings: failing tests with their assertion, and a traceback."""

    name = "test_check"
    interval_minutes = 30

    def execute(self, context: CheckContext) -> CheckResult:
        return CheckResult(
            status="error",
            message="❌ 2 tests failing",
            details={
                "cases": {"passed": 1234, "failed": 2},
                "traceback": 'Traceback (most recent call last):\n  File "x.py", line 3\nKeyError: 42',
            },
            findings=[
                Finding(
                    message="tests/test_math.py::test_add: assert 3 == 4",
                    severity="error",
                    path="tests/test_math.py",
                    kind="failing_test",
                    id="tests/test_math.py::test_add",
                ),
                Finding(
                    message="tests/test_math.py::test_div: ZeroDivisionError: division by zero",
                    severity="error",
                    path="tests/test_math.py",
                    kind="failing_test",
                    id="tests/test_math.py::test_div",
                ),
            ],
        )


class OutdatedDocs(CheckPlugin):
    """Documentation findings: outdated with uncommitted code, and changed files with tokens."""

    name = "doc_check"
    interval_minutes = 30

    def execute(self, context: CheckContext) -> CheckResult:
        return CheckResult(
            status="warning",
            message="⚠️ 1 document outdated",
            findings=[
                Finding(
                    message="docs/api.md is outdated: src/api.py changed (uncommitted changes)",
                    path="docs/api.md",
                    kind="outdated_doc",
                    data={"code": "src/api.py", "uncommitted_changes": True, "commits_behind": 3},
                ),
                Finding(
                    message="src/api.py changed (1500 tokens)",
                    severity="info",
                    path="src/api.py",
                    kind="changed_file",
                    data={"tokens": 1500},
                ),
            ],
        )


class Sleepy(CheckPlugin):
    """Awaits for 30 s unless cancelled."""

    name = "sleepy_check"
    interval_minutes = 60

    async def execute(self, context: CheckContext) -> CheckResult:
        await anyio.sleep(30)
        return CheckResult(status="success", message="woke up")


class Progressing(CheckPlugin):
    """Reports a partial answer at once, then waits until cancelled."""

    name = "progress_check"
    interval_minutes = 60

    async def execute(self, context: CheckContext) -> CheckResult:
        context.report_partial(CheckResult(status="error", message="❌ 1 test failing (affected tests)"))
        await anyio.sleep(30)
        return CheckResult(status="success", message="all done")


def _ok_check(number: int) -> type[CheckPlugin]:
    def execute(self: CheckPlugin, context: CheckContext) -> CheckResult:
        return CheckResult(status="success", message=f"✅ fine {number}")

    name = f"a_fine_{number:02d}"  # sorts before the failing check: only triage order puts it after
    return type(name, (CheckPlugin,), {"name": name, "interval_minutes": 60, "execute": execute})


TRIAGE_PLUGINS = [FailingTests, OutdatedDocs, Sleepy, *(_ok_check(i) for i in range(10))]


@pytest.fixture
def triage(make_server: Any) -> Any:
    """A daemon whose checks all ran once (twice for test_check), Sleepy excepted."""
    server = make_server(plugins=TRIAGE_PLUGINS)
    for plugin in TRIAGE_PLUGINS:
        if plugin is not Sleepy:
            server.client.post(f"/api/checks/{plugin.name}/run").raise_for_status()
    server.client.post("/api/checks/test_check/run").raise_for_status()
    return server


def test_first_paint_is_one_request_and_errors_come_first(
    triage: Any, browser: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url.removeprefix(triage.url)))
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(triage.url)
        expect(page.locator(".card")).to_have_count(13)
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        api = [r for r in requests if r.startswith("/api/") and r != "/api/events"]
        assert api == ["/api/status"]
        names = page.locator(".card").evaluate_all("cards => cards.map(c => c.dataset.check)")
        assert names[:2] == ["test_check", "doc_check"]
        assert names[2] == "sleepy_check"  # no result yet, before the successes
        expect(page.locator('[data-filter="error"] .count')).to_have_text("1")
        expect(page.locator('[data-filter="warning"] .count')).to_have_text("1")
        expect(page.locator('[data-filter="success"] .count')).to_have_text("10")
        expect(page.locator("#daemon-state")).to_have_text("running")
        expect(page.locator("#last-refresh")).not_to_have_text("\N{EN DASH}")

        tests = page.locator('.card[data-check="test_check"]')
        expect(tests.locator(".finding-where").first).to_have_text("tests/test_math.py::test_add")
        expect(tests.locator(".finding-message").first).to_have_text("assert 3 == 4")
        expect(tests.locator(".chip", has_text="passed 1,234")).to_be_visible()
        tests.locator(".traceback summary").click()
        expect(tests.locator(".traceback pre")).to_contain_text("KeyError: 42")
        docs = page.locator('.card[data-check="doc_check"]')
        expect(docs.locator(".chip", has_text="uncommitted")).to_be_visible()
        expect(docs.locator(".chip", has_text="3 commits behind")).to_be_visible()
        expect(docs.locator(".finding-code code")).to_have_text("src/api.py")
        expect(docs.locator(".chip", has_text="1,500 tokens")).to_be_visible()

        tests.locator(".history summary").click()
        runs = tests.locator(".history-table tbody.run")
        expect(runs).to_have_count(2)
        expect(runs.first.locator("td").nth(1)).to_have_text("api")
        expect(runs.first.locator(".history-message td")).to_have_text("❌ 2 tests failing")
        expect(tests.locator(".history-chart circle")).to_have_count(2)
        assert tests.locator(".history-chart .axis-label").count() >= 3  # duration 0, max, time
        page.screenshot(path=str(artifacts / "dashboard-1440.png"), full_page=True)

        page.locator('[data-filter="error"]').click()
        expect(page.locator(".card:visible")).to_have_count(1)
        page.locator('[data-filter="error"]').click()
        page.keyboard.press("/")
        page.keyboard.type("api.py")
        expect(page.locator(".card:visible")).to_have_count(1)
        expect(page.locator(".card:visible .card-name")).to_have_text("doc_check")
        page.locator("#search").fill("nothing matches this")
        expect(page.locator("#no-match")).to_be_visible()
        assert problems == []
    finally:
        context.close()


def test_on_a_phone_the_failing_check_is_on_the_first_screen(
    triage: Any, browser: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    context, page, problems = _open(browser, triage.url, width=390)
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        expect(page.locator(".card")).to_have_count(13)
        failing = page.locator('.card[data-check="test_check"]')
        expect(failing.locator(".finding").first).to_be_visible()
        box = failing.locator(".finding-message").first.bounding_box()
        assert box is not None and box["y"] + box["height"] < 844, box
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.screenshot(path=str(artifacts / "dashboard-390.png"))
        page.screenshot(path=str(artifacts / "dashboard-390-full.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_running_badge_counts_and_cancel_ends_the_run(
    make_server: Any, browser: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    server = make_server(plugins=[Sleepy, FailingTests])
    context, page, problems = _open(browser, server.url, width=1440)
    try:
        card = page.locator('.card[data-check="sleepy_check"]')
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        card.locator("button.run").click()
        badge = card.locator(".card-status")
        expect(badge).to_have_text(re.compile(r"^running \d"))
        expect(badge).to_have_attribute("data-state", "running")
        expect(page.locator('[data-filter="running"] .count')).to_have_text("1")
        expect(card.locator("button.run")).to_be_disabled()
        cancel = card.locator("button.cancel")
        expect(cancel).to_be_visible()
        page.screenshot(path=str(artifacts / "dashboard-running.png"))
        cancel.click()
        expect(card).to_have_attribute("data-status", "error")
        expect(card.locator(".card-message")).to_contain_text("cancelled from the dashboard")
        expect(cancel).to_be_hidden()
        assert server.daemon.results["sleepy_check"].details["failure"] == "cancelled"
        assert problems == []
    finally:
        context.close()


def test_paused_and_disabled_are_visible_and_saved(server: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    context, page, problems = _open(browser, server.url)
    try:
        quick = page.locator('.card[data-check="quick_check"]')
        quick.locator("button.pause").click()
        expect(quick).to_have_attribute("data-sched", "paused")
        expect(quick.locator(".card-state")).to_have_text(
            "Paused: scheduled runs are skipped. Saved in the state folder: "
            "stays paused after a restart."
        )
        gated = page.locator('.card[data-check="gated_check"]')
        gated.locator(".enabled-input").uncheck()
        expect(gated.locator(".card-state")).to_contain_text("Disabled: not scheduled")
        expect(gated.locator(".card-state")).to_contain_text("stays disabled after a restart")
        expect(page.locator('[data-filter="paused"] .count')).to_have_text("1")
        expect(page.locator('[data-filter="disabled"] .count')).to_have_text("1")
        page.reload()
        expect(page.locator('.card[data-check="quick_check"] button.pause')).to_have_text("Resume")
        page.locator('.card[data-check="quick_check"] button.pause').click()
        expect(page.locator('.card[data-check="quick_check"] .card-state')).to_be_hidden()
        assert problems == []
    finally:
        context.close()


def test_live_update_draws_a_new_result_without_fetching(server: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    context, page, problems = _open(browser, server.url)
    requests: list[str] = []
    try:
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        page.on("request", lambda r: requests.append(r.url))
        server.client.post("/api/checks/quick_check/run").raise_for_status()
        quick = page.locator('.card[data-check="quick_check"]')
        expect(quick).to_have_attribute("data-status", "warning")
        expect(quick.locator(".tokens-text")).to_contain_text("1,200 / 1,000 tokens")
        expect(quick.locator(".chip", has_text="outdated 2")).to_be_visible()
        assert requests == []  # the event carried the card
        quick.locator(".all-details summary").click()
        expect(quick.locator(".all-details .items code", has_text="docs/a.md")).to_be_visible()
        page.evaluate("document.activeElement.blur()")  # keys act when no control has focus
        page.keyboard.press("r")
        expect(page.locator("#connection")).to_have_attribute("data-state", "paused")
        page.keyboard.press("r")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        assert problems == []
    finally:
        context.close()


def test_a_wrong_token_is_refused_at_once(make_server: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    server = make_server({"api": {"token": "let-me-in"}})
    context, page, problems = _open(browser, server.url)
    try:
        card = page.locator('.card[data-check="async_check"]')
        card.locator("button.run").click()
        dialog = page.locator("#token-dialog")
        expect(dialog).to_be_visible()
        expect(page.locator("#token-problem")).to_be_hidden()
        page.locator("#token-input").fill("wrong")
        page.locator("#token-form button[type=submit]").click()
        expect(page.locator("#token-problem")).to_have_text("token refused: try again")
        expect(page.locator("#error")).to_contain_text("token refused")
        page.locator("#token-input").fill("let-me-in")
        page.locator("#token-form button[type=submit]").click()
        expect(card).to_have_attribute("data-status", "success")
        assert server.daemon.results["async_check"].status == "success"
        assert [p for p in problems if "401" not in p] == []
    finally:
        context.close()


def test_a_change_triggered_run_shows_its_changed_files_and_its_first_answer(
    make_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    server = make_server(plugins=[Progressing])
    context, page, problems = _open(browser, server.url)
    changed = frozenset({f"pkg/mod{i}.py" for i in range(7)})
    runner = threading.Thread(
        target=lambda: anyio.from_thread.run(
            partial(server.daemon.run_check, "progress_check", "change", changed_paths=changed),
            token=server.daemon._token,
        ),
        daemon=True,
    )
    try:
        card = page.locator('.card[data-check="progress_check"]')
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        runner.start()
        line = card.locator(".card-run")
        expect(line).to_contain_text("changed: pkg/mod0.py, pkg/mod1.py, pkg/mod2.py, pkg/mod3.py, pkg/mod4.py (+2 more)")
        expect(line).to_contain_text("first answer: ❌ 1 test failing (affected tests)")
        card.locator("button.cancel").click()
        expect(card).to_have_attribute("data-status", "error")
        expect(line).to_be_hidden()
        assert problems == []
    finally:
        runner.join(10)
        context.close()


class RemoteRun(CheckPlugin):
    """A run as the Celery executor reports it: ``details.executed_on`` names worker and queue."""

    name = "remote_check"
    interval_minutes = 60

    def execute(self, context: CheckContext) -> CheckResult:
        where = {"worker": "celery@worker-1", "queue": "test_check", "commit": "0123abc", "received_at": 1.5}
        return CheckResult(status="success", message="✅ ran remotely", details={"executed_on": where, "passed": 3})


def test_where_a_run_executed_is_on_the_card_and_in_its_history(make_server: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    server = make_server(plugins=[RemoteRun, _ok_check(1)])
    for name in ("remote_check", "remote_check", "a_fine_01"):
        server.client.post(f"/api/checks/{name}/run").raise_for_status()
    context, page, problems = _open(browser, server.url)
    try:
        card = page.locator('.card[data-check="remote_check"]')
        expect(card.locator(".card-meta")).to_contain_text("on celery@worker-1 (queue test_check)")
        expect(card.locator(".card-details dd")).to_have_text("3")  # the other details stay
        expect(card.locator(".card-details")).not_to_contain_text("worker-1")  # said once, on the meta line
        local = page.locator('.card[data-check="a_fine_01"]')
        expect(local.locator(".card-meta")).to_contain_text("took")
        expect(local.locator(".card-meta")).not_to_contain_text(" on ")
        card.locator(".history summary").click()
        runs = card.locator(".history-table tbody.run")
        expect(runs).to_have_count(2)
        expect(card.locator(".history-table th").last).to_have_text("Ran on")
        expect(runs.first.locator("td").nth(4)).to_have_text("celery@worker-1 (queue test_check)")
        assert runs.first.locator(".history-message td").get_attribute("colspan") == "5"
        local.locator(".history summary").click()
        expect(local.locator(".history-table tbody.run")).to_have_count(1)
        expect(local.locator(".history-table th")).to_have_count(4)  # local runs: no column for it
        assert problems == []
    finally:
        context.close()
