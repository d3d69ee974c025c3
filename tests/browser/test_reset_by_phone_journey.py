"""Reset by phone in a real browser on a phone: the helper presses 电话重置密码 on the household's
page and reads the temporary password; the worker logs in with it, is taken to the password page
whatever page they ask for, chooses their own password and is free again."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MINE = "grass-land-2027"


def test_a_helper_resets_by_phone_and_the_worker_must_choose_their_own(
    phone_page: Any, people: Any, household_a: Any
) -> None:
    page = phone_page
    log_in(page, "hana")
    page.goto(f"/households/{household_a.pk}/")
    page.get_by_role("button", name="电话重置密码").first.click()
    page.wait_for_load_state("networkidle")
    password = page.get_by_test_id("temporary-password").inner_text().strip()
    assert len(password) == 10
    page.context.clear_cookies()

    log_in(page, "wang", password)
    assert page.url.endswith("/accounts/password/")  # sent here after logging in
    page.goto("/me/")
    assert page.url.endswith("/accounts/password/")  # and from any other page
    assert page.locator(".message-warning").is_visible()  # why they are here
    page.fill("[name=old_password]", password)
    page.fill("[name=new_password1]", MINE)
    page.fill("[name=new_password2]", MINE)
    page.locator("form[action=\"/accounts/password/\"] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.goto("/me/")
    assert page.url.endswith("/me/")
