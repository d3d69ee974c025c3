"""Layouts at real size: on a phone (390×844) a table cell's second line (the button that shows
the full ID number) stays in the value column, not under the label; at 1280 px a member's name is
one line, not one character a line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_a_cells_second_line_stays_in_the_value_column_on_a_phone(
    phone_page: Any, tree: Any, people: Any, household_a: Any
) -> None:
    page = phone_page
    log_in(page, "alice")
    page.goto(f"/households/{household_a.pk}/")
    cell = page.locator("td[id^=idcell-]").first
    button = cell.locator("a, button").first
    label_right = page.evaluate(
        "el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);"
        " return r.left + parseFloat(s.paddingLeft) + parseFloat(getComputedStyle(el, '::before').width); }",
        cell.element_handle(),
    )
    assert button.bounding_box()["x"] >= label_right - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways


def test_member_names_are_one_line_on_a_desktop(desktop_page: Any, tree: Any, people: Any, household_a: Any) -> None:
    page = desktop_page
    log_in(page, "alice")
    page.goto(f"/households/{household_a.pk}/")
    # A crowded household: long words in every column squeeze the name column.
    page.evaluate(
        "document.querySelectorAll('td:not(.person-name)').forEach(td => td.append(' 慢性肾病需定期透析完全劳动能力'))"
    )
    lines = page.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el.firstChild);"
        " return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; }",
        page.locator("td.person-name").first.element_handle(),
    )
    assert lines == 1
