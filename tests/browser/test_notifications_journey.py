"""Notifications in a real browser, on a phone: Wang has a page open when an employer invites him;
without reloading, the bell in the top bar shows one unread notification; he opens his inbox in
Chinese and accepts the invitation from the notification itself."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.models import Application
from tests.browser.conftest import log_in
from tests.jobs.conftest import make_employer, make_posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_badge_appears_for_a_worker_when_an_employer_invites_him(
    phone_page: Any, browser: Any, live_server: Any, tree: Any, people: Any, household_a: Any, settings: Any
) -> None:
    settings.NOTIFICATIONS_BADGE_POLL_SECONDS = 1
    wang = household_a.members.get(user=people.wang)
    wang.consent_to_be_found = True
    wang.save()
    employer = make_employer(people.eve, tree.county, name="鄂托克旗利民物流有限公司")
    posting = make_posting(employer, title="叉车司机")

    # Wang is on his applications page: nothing new yet.
    page = phone_page
    log_in(page, "13847700001")
    page.goto("/jobs/applications/")
    bell = page.locator("a.bell")
    assert bell.is_visible()  # in the top bar itself, not behind the menu
    assert page.locator(".bell-count").is_hidden()

    # Meanwhile, on another device, the employer invites him.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    try:
        employer_page = desk.new_page()
        log_in(employer_page, "eve")
        employer_page.goto(f"/jobs/candidates/{wang.pk}/")
        employer_page.select_option("[name=posting_id]", str(posting.pk))
        employer_page.fill("[name=message]", "看了您的叉车经验，欢迎来面试")
        employer_page.click(f"form[action='/jobs/candidates/{wang.pk}/invite/'] button[type=submit]")
        employer_page.wait_for_load_state("networkidle")
    finally:
        desk.close()
    assert Application.objects.get().state == Application.State.INVITED

    # Wang's page was not reloaded: the bell fills itself in.
    page.wait_for_selector(".bell-count:not([hidden])", timeout=10_000)
    assert page.locator(".bell-count").inner_text() == "1"
    assert page.url.endswith("/jobs/applications/")

    # He opens the inbox (Chinese) and accepts the invitation right there.
    bell.click()
    page.wait_for_url("**/notifications/")
    notice = page.locator(".notice").first
    assert "鄂托克旗利民物流有限公司 邀请您应聘“叉车司机”" in notice.inner_text()
    notice.locator("button", has_text="接受").click()
    page.wait_for_url("**/jobs/applications/")
    assert Application.objects.get().state == Application.State.APPLIED
    page.wait_for_selector(".bell-count[hidden]", state="attached", timeout=10_000)

    # The answered invitation no longer offers its buttons.
    page.goto("/notifications/")
    assert page.locator(".notice button", has_text="接受").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
