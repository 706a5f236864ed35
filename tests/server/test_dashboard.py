"""The dashboard: its assets over HTTP, and the page in a real browser (Debian's chromium)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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
    assert '<script src="/static/dashboard.js"' in page.text
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


def test_dashboard_in_a_browser(
    server: Any, test_plugins: Any, browser: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    server.client.post("/api/checks/quick_check/run").raise_for_status()
    context, page, problems = _open(browser, server.url)
    try:
        cards = page.locator(".card")
        expect(cards).to_have_count(3)
        for name in ("async_check", "gated_check", "quick_check"):
            expect(page.locator(f'.card[data-check="{name}"] .card-name')).to_have_text(name)
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        expect(page.locator("#daemon-state")).to_have_text("running")

        quick = page.locator('.card[data-check="quick_check"]')
        expect(quick).to_have_attribute("data-status", "warning")
        expect(quick.locator(".card-message")).to_have_text("⚠️ 3 documents need attention")
        expect(quick.locator(".chip", has_text="outdated 2")).to_be_visible()
        expect(quick.locator(".tokens-text")).to_contain_text("1,200 / 1,000 tokens")
        expect(quick.locator(".meter")).to_have_attribute("data-state", "bad")
        expect(quick.locator(".items code", has_text="docs/a.md")).to_be_visible()
        expect(quick.locator(".items li", has_text="and 1 more")).to_be_visible()
        expect(quick.locator("svg.sparkline circle")).to_have_count(1)

        quiet = page.locator('.card[data-check="async_check"]')
        expect(quiet.locator(".card-status")).to_have_text("no result yet")
        quiet.locator("button.run").click()
        expect(quiet).to_have_attribute("data-status", "success")
        expect(quiet.locator(".card-message")).to_have_text("✅ all good")
        expect(quiet.locator("svg.sparkline circle")).to_have_count(1)

        gated = page.locator('.card[data-check="gated_check"]')
        gated.locator("button.run").click()
        expect(gated.locator(".card-status")).to_have_text("running…")
        test_plugins.gate.set()
        expect(gated).to_have_attribute("data-status", "error")
        expect(gated.locator(".items code", has_text="tests/test_x.py")).to_be_visible()

        quick.locator(".interval-input").fill("7")
        with page.expect_response(
            lambda r: r.url.endswith("/api/config") and r.request.method == "PATCH"
        ) as patch:
            quick.locator(".interval-save").click()
        assert patch.value.status == 200
        assert server.daemon.scheduler.tasks["quick_check"].interval_seconds == 420
        quick.locator("button.pause").click()
        expect(quick.locator("button.pause")).to_have_text("Resume")
        with page.expect_response(lambda r: r.url.endswith("/gated_check/disable")):
            gated.locator(".enabled-input").uncheck()
        assert server.daemon.scheduler.tasks["gated_check"].enabled is False

        page.reload()
        quick = page.locator('.card[data-check="quick_check"]')
        expect(quick.locator(".interval-input")).to_have_value("7")
        expect(quick.locator("button.pause")).to_have_text("Resume")
        expect(page.locator('.card[data-check="gated_check"] .enabled-input')).not_to_be_checked()
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")

        page.keyboard.press("r")
        expect(page.locator("#connection")).to_have_attribute("data-state", "paused")
        page.keyboard.press("r")
        expect(page.locator("#connection")).to_have_attribute("data-state", "live")
        server.client.post("/api/checks/async_check/run").raise_for_status()  # arrives as an event
        expect(page.locator('.card[data-check="async_check"] svg.sparkline circle')).to_have_count(
            2
        )
        with page.expect_response(lambda r: r.url.endswith("/api/status")):
            page.keyboard.press(" ")
        page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_dashboard_on_a_narrow_window(server: Any, browser: Any, artifacts: Path) -> None:
    from playwright.sync_api import expect

    server.client.post("/api/checks/quick_check/run").raise_for_status()
    context, page, problems = _open(browser, server.url, width=360)
    try:
        expect(page.locator(".card")).to_have_count(3)
        expect(page.locator('.card[data-check="quick_check"] .tokens-text')).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.screenshot(path=str(artifacts / "dashboard-narrow.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_dashboard_asks_for_the_token(make_server: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    server = make_server({"api": {"token": "let-me-in"}})
    context, page, problems = _open(browser, server.url)
    try:
        card = page.locator('.card[data-check="async_check"]')
        card.locator("button.run").click()
        dialog = page.locator("#token-dialog")
        expect(dialog).to_be_visible()
        page.locator("#token-input").fill("let-me-in")
        page.locator("#token-form button[type=submit]").click()
        expect(card).to_have_attribute("data-status", "success")
        assert server.daemon.results["async_check"].status == "success"
        assert [p for p in problems if "401" not in p] == []
    finally:
        context.close()


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
