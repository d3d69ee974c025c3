"""Reset by phone in a real browser on a phone (390 px), issue 19 finding 4: 王师傅 has forgotten his
password and calls his helper. Hana opens his household, resets it and reads him the temporary
password shown once; he signs in with it on his own phone, is taken to the password page whatever
he opens, chooses his own password and reaches his page.

Written for the issue's leftover (no browser journey); it found that the top bar's notification
badge, polled by htmx, was redirected to the password page and showed a whole copy of it inside the
bar, polling again (the page never went quiet)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINE = "grass-land-2027"


def test_a_worker_gets_his_password_back_by_phone_and_chooses_his_own(
    phone_page: Any, people: Any, household_a: Any
) -> None:
    page = phone_page
    log_in(page, "hana")
    page.goto(f"/households/{household_a.pk}/")
    with page.expect_navigation():
        page.click("form[action*='/password-reset/'] button")
    shown = page.locator("[data-testid=temporary-password] strong")
    temporary = shown.inner_text().strip()
    assert re.fullmatch(r"[a-z0-9]{10}", temporary), temporary
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the reset page scrolls sideways"
    # Shown once: the household page does not show it again.
    page.goto(f"/households/{household_a.pk}/")
    assert temporary not in page.content()

    # Wang, on his own phone (a fresh session), signs in with the temporary password.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("[name=username]", "wang")
    page.fill("[name=password]", temporary)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/password/")
    assert page.locator("p.message-warning[role=alert]").is_visible()  # why he is here, in Chinese
    # Whatever he opens, he is brought back to the password page.
    for path in ("/me/", "/jobs/"):
        page.goto(path)
        page.wait_for_url("**/accounts/password/")

    page.fill("[name=old_password]", temporary)
    page.fill("[name=new_password1]", MINE)
    page.fill("[name=new_password2]", MINE)
    # The top bar's badge polls: it must not have pulled a copy of this page into the bar.
    assert page.locator("form[action='/accounts/password/']").count() == 1
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/password/" not in page.url, page.locator("main").inner_text()
    page.goto("/me/")
    assert page.url.endswith("/me/"), page.url
    people.wang.refresh_from_db()
    assert not people.wang.must_change_password and people.wang.check_password(MINE)
