"""The top bar at real size: on a desktop (1280×800) the organizer's links fit one row as seven task
groups, each opening its links, the current group highlighted; on a phone (390×844) the menu holds
the same groups and opens at the current one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GROUPS = ["archive", "jobs", "training", "fairs", "ventures", "funds", "assessment"]


@pytest.fixture
def desktop_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", base_url=live_server.url, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    from django.db import connections

    connections.close_all()


def group_keys(page: Any) -> list[str]:
    return page.eval_on_selector_all("#site-nav .nav-groups > .nav-group", "els => els.map(e => e.dataset.group)")


def test_the_desktop_top_bar_is_one_row_of_task_groups(desktop_page: Any, tree: Any, people: Any) -> None:
    page = desktop_page
    log_in(page, "alice")
    page.goto("/jobs/review/postings/")
    assert group_keys(page) == GROUPS
    assert page.locator(".topbar").bounding_box()["height"] < 70  # one row, not three
    assert page.locator(".nav-group.current").get_attribute("data-group") == "jobs"
    # A group opens its links below it; opening another closes the first.
    page.click(".nav-group[data-group=archive] summary")
    households = page.locator(".nav-group[data-group=archive] a[href='/households/']")
    assert households.is_visible()
    page.click(".nav-group[data-group=training] summary")
    # The first group closes on the second's "toggle" event, which the browser dispatches a moment later.
    households.wait_for(state="hidden", timeout=5000)
    assert not households.is_visible()
    page.click(".nav-group[data-group=training] a[href='/training/coverage/']")
    page.wait_for_url("**/training/coverage/")
    assert page.locator(".nav-group.current").get_attribute("data-group") == "training"


def test_the_phone_menu_holds_the_same_groups_open_at_the_current_one(phone_page: Any, tree: Any, people: Any) -> None:
    page = phone_page
    log_in(page, "alice")
    page.goto("/jobs/review/postings/")
    assert not page.locator("#site-nav").is_visible()
    page.click(".nav-toggle")
    assert group_keys(page) == GROUPS
    current = page.locator(".nav-group.current a[aria-current=page]")
    assert current.is_visible() and current.get_attribute("href") == "/jobs/review/postings/"
    assert not page.locator(".nav-group[data-group=archive] a[href='/households/']").is_visible()
