"""No page of the demo taller than 8 phone screens (390×844) unless the user asked for more (issue 19).

The demo county is seeded once (``web.demo.seed``, ``PAGE_HEIGHT_HOUSEHOLDS`` households, 300 by
default; the issue's walk used the full demo of 2,100); each role, and the county organizer whose
queues are the longest, is crawled as in the accessibility test (``tests.browser.crawl``: home, its
menu and its links), and each page's document height is measured at 390×844 once it has loaded.

Pages that are still too tall are listed in ``ALLOWED`` with the height measured when they were
listed: the list can only shrink. A listed page that grew fails, and so does one that now fits (take
it off the list). Paths are compared with their record ids as ``<id>``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.browser.crawl import LINKS_JS, PHONE, ROLES, crawl_role, ledger_triggers, page_key, page_shape

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = PHONE["height"]
SCREENS_AT_MOST = 8
LIMIT = SCREENS_AT_MOST * SCREEN
# Pages still taller than 8 screens: "role path" -> the height (px) measured when listed. A page
# may not grow past it (a little slack for fonts); fix it and take it off.
ALLOWED: dict[str, int] = {}
SLACK = SCREEN  # the demo's dates move a few rows between runs
CRAWLED = {**ROLES, "county organizer": "org_county"}
HEIGHT_JS = "() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)"


@dataclass
class Heights:
    pages: dict[str, int] = field(default_factory=dict)  # "role path" -> px
    failed: dict[str, str] = field(default_factory=dict)  # "role path" -> why it did not open
    seconds: float = 0.0


def _measure(page: Any, role: str, path: str, heights: Heights) -> list[str]:
    try:
        response = page.goto(path)
    except Exception as error:  # a download, a page that does not load
        heights.failed[f"{role} {path}"] = str(error)
        return []
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return []
    if response.status >= 400:
        heights.failed[f"{role} {path}"] = f"answered {response.status}"
        return []
    page.wait_for_load_state("networkidle")
    heights.pages[f"{role} {page_shape(page_key(page.url))}"] = int(page.evaluate(HEIGHT_JS))
    return page.evaluate(LINKS_JS)


@pytest.fixture(scope="module")
def heights(browser: Any, live_server: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[Heights]:
    from django.db import connections

    from web import demo

    result = Heights()
    households = int(os.environ.get("PAGE_HEIGHT_HOUSEHOLDS", "300"))
    with django_db_blocker.unblock():
        demo.seed(households=households, verbose=lambda _text: None)
        started = time.monotonic()
        for role, login in CRAWLED.items():
            crawl_role(
                browser,
                live_server.url,
                role,
                login,
                demo.DEMO_PASSWORD,
                lambda page, role, path: _measure(page, role, path, result),
            )
        connections.close_all()
        result.seconds = time.monotonic() - started
        ledger_triggers(install=False)
    yield result
    with django_db_blocker.unblock():
        ledger_triggers(install=True)


def test_the_crawl_measures_every_role_s_pages(heights: Heights) -> None:
    roles = {key.split(" /", 1)[0] for key in heights.pages}
    assert roles == set(CRAWLED)
    assert len(heights.pages) >= 60
    assert not heights.failed, heights.failed


def test_no_page_is_taller_than_eight_phone_screens(heights: Heights) -> None:
    def allowed(key: str, px: int) -> bool:
        return key in ALLOWED and px <= ALLOWED[key] + SLACK

    too_tall = {key: px for key, px in heights.pages.items() if px > LIMIT and not allowed(key, px)}
    lines = [f"{key}: {px} px ({px / SCREEN:.1f} screens)" for key, px in sorted(too_tall.items())]
    assert not lines, f"pages taller than {SCREENS_AT_MOST} screens of {SCREEN} px:\n" + "\n".join(lines)


def test_the_allow_list_only_shrinks(heights: Heights) -> None:
    fitting = [key for key in ALLOWED if key in heights.pages and heights.pages[key] <= LIMIT]
    assert not fitting, f"these pages fit in {SCREENS_AT_MOST} screens now: take them off ALLOWED: {fitting}"


def test_the_measure_fails_on_a_tall_page(browser: Any, live_server: Any) -> None:
    # The check itself can fail: a page of 20 screens measures as such.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.set_content(f"<html><body><div style='height:{20 * SCREEN}px'>x</div></body></html>")
        assert int(page.evaluate(HEIGHT_JS)) > LIMIT
    finally:
        context.close()
