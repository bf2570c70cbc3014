"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make here
# (creating data) are synchronous and safe, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


# What the browser refused under the Content-Security-Policy during the current test: every journey doubles as a
# check that no page relies on inline script or inline style.
CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.location.get('url', '?')}: {message.text}")


class WatchedBrowser:
    """The Playwright browser, whose every new context reports CSP violations to ``CSP_VIOLATIONS``."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("console", _record_csp_violation)
        return context

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_service(os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield WatchedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[None]:
    """Fail a browser test whose pages broke the Content-Security-Policy (set up first, so checked last)."""
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "the Content-Security-Policy refused:\n" + "\n".join(CSP_VIOLATIONS)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


PASSWORD = "pw-for-tests-2026"  # the factories' password


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form as a person would (signing out whoever was signed in)."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture(autouse=True)
def appraisal_defaults(transactional_db: None) -> None:
    """Browser tests use transactional databases, which are flushed after each test — migration data
    included — so put the default scheme and rule catalogue back."""
    from appraisal.scoring.defaults import ensure_defaults

    ensure_defaults()


def run_rollup(page) -> None:
    """Run the rollup from a period's page and wait for the page to reload with the finished run.

    The htmx answer of a finished run asks the browser to reload; navigating elsewhere before that reload
    lands races with it (the reload can win and take the page back to the period).
    """
    with page.expect_navigation():
        page.get_by_test_id("run-rollup").click()
    page.locator("[data-testid=rollup-progress][data-status=done]").wait_for()
