"""Two journeys in a real browser: an organizer opens a household archive; a worker edits their
skills and job preferences from a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from households.models import Household, Member, MemberSkill
from tests.browser.conftest import log_in
from tests.factories import fresh_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_creates_a_household_and_activates_it(phone_page: Any, tree: Any, people: Any) -> None:
    page = phone_page
    log_in(page, "olga")
    page.goto("/households/new/")
    page.select_option("[name=org_unit]", str(tree.station_a.pk))
    page.fill("[name=address]", "乌兰镇团结路18号")
    page.check("input[name=target_groups][value='dibao_able']")
    page.check("input[name=hardship_causes][value='illness']")
    page.fill("[name=income_per_head]", "480")
    page.click("form button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    household = Household.objects.get(address="乌兰镇团结路18号")
    assert household.state == Household.State.DRAFT
    assert household.number in page.content()

    # The head of household, typed the way people type on a phone: full-width digits, lower-case x.
    number = fresh_id_number()
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    page.click(f"a[href='/households/{household.pk}/members/new/']")
    page.fill("[name=name]", "张建华")
    page.select_option("[name=relation]", "head")
    page.fill("[name=id_number]", typed)
    page.fill("[name=phone]", "13947705555")
    page.click("form button[type=submit].button-primary")
    page.wait_for_url(f"**/households/{household.pk}/")
    masked = number[:6] + "********" + number[-4:]
    assert masked in page.content()
    assert number not in page.content()  # the full number is never on the page unasked

    # Name the responsible helper, then open the archive.
    page.select_option("form[action$='/pairing/'] [name=helper]", str(people.hana.pk))
    page.click("form[action$='/pairing/'] button[type=submit]")
    page.wait_for_url(f"**/households/{household.pk}/")
    page.click(f"form[action='/households/{household.pk}/activate/'] button")
    page.wait_for_url(f"**/households/{household.pk}/")
    household.refresh_from_db()
    assert household.state == Household.State.ACTIVE
    assert Member.objects.get(household=household).id_number == number
    assert page.locator(".badge-active").count() >= 1


def test_a_worker_adds_a_skill_and_sets_preferences_on_a_phone(phone_page: Any, people: Any, household_a: Any) -> None:
    page = phone_page
    log_in(page, "138 4770 0001")  # the worker logs in with the mobile number, spaces and all
    page.goto("/me/")
    page.fill("[name=phrase]", "开叉车")
    # While typing, the page says what the phrase was understood as.
    page.wait_for_function("document.querySelector('#skill-hint').textContent.includes('叉车')")
    page.select_option("[name=level]", "skilled")
    page.fill("[name=years]", "3")
    page.click("form[action='/me/skills/add/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    entry = MemberSkill.objects.get(member__user=people.wang)
    assert entry.skill is not None and entry.skill.name_zh == "叉车驾驶"
    assert entry.phrase == "开叉车"
    assert "叉车驾驶" in page.locator(".skill-list").inner_text()

    page.fill("[name=expected_salary]", "4500")
    page.check("[name=willing_to_relocate]")
    page.check("[name=consent_to_be_found]")
    page.click("form[action='/me/preferences/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    member = Member.objects.select_related("job_preference").get(user=people.wang)
    assert member.job_preference.expected_salary == 4500
    assert member.job_preference.willing_to_relocate
    assert member.consent_to_be_found
    page.reload()
    assert page.input_value("[name=expected_salary]") == "4500"
