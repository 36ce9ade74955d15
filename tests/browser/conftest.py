"""Playwright driving Debian's Chromium against pytest-django's live server.

Every page is watched for Content-Security-Policy violations: Chromium reports each one on the
page's console ("Refused to execute inline script because it violates the following Content
Security Policy directive…"), and a test during which one was reported fails, even if what it
checks still worked (a blocked script may only show later, or on another page).
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# for set-up happen outside any coroutine, so Django's async-safety guard can stand down.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MAARID_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CSP_VIOLATION = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)

# Violations reported since the current test started, and the contexts opened for it.
_violations: list[str] = []
_contexts: list = []


def _watch(context):
    """Collects the CSP violations reported on any page of ``context``."""

    def on_console(message):
        if CSP_VIOLATION.search(message.text):
            where = (message.location or {}).get("url") or (message.page and message.page.url)
            _violations.append(f"{where}: {message.text}")

    context.on("console", on_console)
    _contexts.append(context)
    return context


def _flush_console():
    """Console events reach Python when Playwright next talks to the browser: a round trip on
    each open page delivers those still on their way."""
    for context in _contexts:
        for page in list(context.pages):
            # A page closed or navigating away has nothing more to say.
            with contextlib.suppress(Exception):
                page.evaluate("0")


@pytest.fixture(autouse=True)
def _csp_watch():
    _violations.clear()
    _contexts.clear()
    yield
    _contexts.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    _flush_console()
    if _violations:
        pytest.fail(
            "Content-Security-Policy violations reported by Chromium:\n" + "\n".join(_violations),
            pytrace=False,
        )
    return result


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        # Contexts made by the fixtures below and by tests themselves are all watched.
        new_context = browser.new_context
        browser.new_context = lambda *args, **kwargs: _watch(new_context(*args, **kwargs))
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a 360 px wide phone."""
    context = browser.new_context(
        viewport={"width": 360, "height": 780},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
