"""Real headless Chromium (Debian's package) driven by Playwright, against pytest-django's live server.

Browser downloads do not work on our machines, so Playwright is pointed at /usr/bin/chromium. Where
that is missing the tests skip, saying how to install it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Browser tests need Debian's Chromium: `apt-get install chromium` (or set CHROMIUM_PATH).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Browser tests need Playwright: `pip install playwright` (make test installs it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()
    from django.db import connections

    connections.close_all()  # the connection this (Playwright) context opened, if any


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page the size of a common phone, in Chinese, as most workers see the service."""
    # Playwright's wait_for_function evaluates its predicate as a string, which the pages' CSP (no
    # eval) refuses: the journeys bypass it; tests/browser/test_content_security_policy.py does not.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
    # Under Playwright the test's ORM calls ran in another async context, on a connection of their
    # own; close it, or PostgreSQL refuses to drop the test database at the end of the run.
    from django.db import connections

    connections.close_all()


def log_in(page: Any, login: str, password: str = "pass-word-123") -> None:
    page.goto("/accounts/login/")
    page.fill("[name=username]", login)
    page.fill("[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
