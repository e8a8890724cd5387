"""Shared Playwright fixtures: Debian's chromium, headless, against pytest-django's live_server.

    def test_x(live_server, page, log_in): log_in(page, user, totp_secret=secret)

`log_in` goes through the real login form and, when given the user's TOTP secret, the MFA step.
"""

from __future__ import annotations

import os

import pytest

from tests.accounts.helpers import PASSWORD, clear_cache_of_this_run, totp_code

# Playwright's sync API runs an event loop; Django refuses ORM calls from a thread with one unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    clear_cache_of_this_run()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def log_in(live_server):
    """Sign `user` in through the login form; with `totp_secret`, also type the authenticator code."""

    def run(page, user, *, password: str = PASSWORD, totp_secret: str | None = None) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", password)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        if totp_secret is not None:
            page.wait_for_url("**/accounts/2fa/authenticate/")
            page.fill("input[name=code]", totp_code(totp_secret))
            page.click("form[action='/accounts/2fa/authenticate/'] button[type=submit]")
        page.wait_for_load_state()

    return run


def wait_for_js(page, expression: str, *, timeout: int = 15_000) -> None:
    """Polls a JavaScript expression until it is true.

    Playwright's wait_for_function evaluates its predicate with eval() inside the page, which our
    Content-Security-Policy (no 'unsafe-eval') rightly refuses; page.evaluate goes through the DevTools
    protocol instead, so the pages are tested under the same policy as in production.
    """
    import time

    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:
            # The page reloaded itself (a progress page does) between two polls: ask the new one.
            page.wait_for_load_state()
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} ms: {expression}")
        page.wait_for_timeout(100)
