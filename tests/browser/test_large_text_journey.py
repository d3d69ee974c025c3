"""大字模式 in a real browser: a worker turns it on at the login page of a phone, logs in, and does the
three things workers do most from the big buttons of their home; each page has text of at least
18 px, touch targets of at least 48 px, passes axe and fits 320 px. The same journey in normal text
first, for comparison. Screenshots of both go to ``$JOURNEY_SHOTS`` (default
``/tmp/relief-journeys``): ``normal/`` and ``large-text/``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE_JS, AXE_SOURCE, AXE_TAGS, EXTRA_RULES, NARROWEST, OVERFLOW_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("JOURNEY_SHOTS") or "/tmp/relief-journeys")
# The three big buttons of the worker's home in this mode, and where each leads.
BIG_BUTTONS = [("我的推荐岗位", "/matching/"), ("我的申请", "/jobs/applications/"), ("我该学什么", "/training/")]

# Controls smaller than 48 px (checkboxes and radios count by their label, which is what a finger hits).
SMALL_TARGETS_JS = """() => Array.from(document.querySelectorAll(
    'main button, main .button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),' +
    'main select, main summary, main .choice, .topbar button, .topbar .bell, .big-button'))
  .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 47.5)
  .map(el => el.outerHTML.slice(0, 100) + ' ' + Math.round(el.getBoundingClientRect().height) + 'px')"""
MAIN_TEXT_PX_JS = "() => parseFloat(getComputedStyle(document.querySelector('main p, main li, main dd')).fontSize)"


@pytest.fixture
def worker_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh phone (no cookies), with axe loaded on every page."""

    def new_page() -> Any:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        context.add_init_script(script=AXE_SOURCE.read_text(encoding="utf-8"))
        contexts.append(context)
        return context.new_page()

    contexts: list[Any] = []
    yield new_page
    for context in contexts:
        context.close()
    from django.db import connections

    connections.close_all()


def _look(page: Any, folder: str, name: str) -> list[str]:
    """Screenshot the page; return what is wrong with it (axe, reflow at 320 px)."""
    page.wait_for_load_state("networkidle")
    (SHOTS / folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / folder / f"{name}.png"), full_page=True)
    problems = [
        f"{name}: [{v['id']}] {v['nodes'][0]['target']}" for v in page.evaluate(AXE_JS, [AXE_TAGS, EXTRA_RULES])
    ]
    page.set_viewport_size(NARROWEST)
    problems += [f"{name}: {what}" for what in page.evaluate(OVERFLOW_JS)]
    page.set_viewport_size({"width": 390, "height": 844})
    return problems


def test_the_worker_journey_in_normal_text(worker_page: Any, people: Any, household_a: Any) -> None:
    page = worker_page()
    log_in(page, "wang")
    page.goto("/me/")
    problems = _look(page, "normal", "1-home")
    assert page.locator(".big-buttons").count() == 0
    assert page.evaluate(MAIN_TEXT_PX_JS) == 16
    assert page.evaluate(SMALL_TARGETS_JS), "normal text has 44 px buttons: the check below must see them"
    for number, (_label, path) in enumerate(BIG_BUTTONS, start=2):
        page.goto(path)
        problems += _look(page, "normal", f"{number}-{path.strip('/').replace('/', '-')}")
    assert not problems, "\n".join(problems)


def test_the_worker_journey_in_large_text(worker_page: Any, people: Any, household_a: Any) -> None:
    page = worker_page()
    page.goto("/accounts/login/")
    switch = page.locator(".text-size-switch button")
    assert switch.get_attribute("aria-pressed") == "false"
    with page.expect_navigation():
        switch.click()
    assert page.locator("html.large-text").count() == 1
    assert page.locator(".text-size-switch button").get_attribute("aria-pressed") == "true"
    problems = _look(page, "large-text", "0-login")
    assert page.evaluate(MAIN_TEXT_PX_JS) >= 18

    log_in(page, "wang")  # the device's choice is carried onto the worker
    assert User.objects.get(pk=people.wang.pk).large_text
    page.goto("/me/")
    problems += _look(page, "large-text", "1-home")
    assert page.evaluate(MAIN_TEXT_PX_JS) >= 18
    assert page.locator("form[action='/me/skills/add/']").count() == 0  # the simple home
    buttons = page.locator(".big-button")
    assert [buttons.nth(i).inner_text().strip("★✉✎ \n") for i in range(3)] == [b[0] for b in BIG_BUTTONS]
    for i in range(3):
        box = buttons.nth(i).bounding_box()
        assert box["height"] >= 80 and box["width"] >= 300
    small = page.evaluate(SMALL_TARGETS_JS)

    for number, (label, path) in enumerate(BIG_BUTTONS, start=2):
        page.goto("/me/")
        with page.expect_navigation():
            page.click(f".big-button:has-text('{label}')")
        assert page.url.endswith(path)
        assert page.evaluate(MAIN_TEXT_PX_JS) >= 18
        problems += _look(page, "large-text", f"{number}-{path.strip('/').replace('/', '-')}")
        small += page.evaluate(SMALL_TARGETS_JS)
    page.goto("/me/?full=1")
    problems += _look(page, "large-text", "5-home-full")
    small += page.evaluate(SMALL_TARGETS_JS)
    # 结对帮扶 explained: opened from the keyboard, read, closed with Esc (no hovering needed).
    tip = page.locator("#term-pairing-1")
    assert not tip.is_visible()
    page.focus(".term-button[popovertarget='term-pairing-1']")
    page.keyboard.press("Enter")
    assert tip.is_visible() and "一帮一" in tip.inner_text()
    page.screenshot(path=str(SHOTS / "large-text" / "6-term-pairing.png"))
    problems += [f"term: [{v['id']}]" for v in page.evaluate(AXE_JS, [AXE_TAGS, EXTRA_RULES])]
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    assert not problems, "\n".join(problems)
    assert not small, "touch targets under 48 px:\n" + "\n".join(small)

    # Another phone, nothing chosen on it: the worker's own choice follows them.
    other = worker_page()
    log_in(other, "wang")
    other.goto("/me/")
    assert other.locator("html.large-text").count() == 1
    # Turned off in the top bar: off for the worker everywhere.
    with other.expect_navigation():
        other.click(".topbar .text-size-switch button")
    assert other.locator("html.large-text").count() == 0
    assert not User.objects.get(pk=people.wang.pk).large_text
