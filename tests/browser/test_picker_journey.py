"""The people picker in a real browser on a phone (390 px), issue 19 finding 2: Hana, a helper,
follows a link from a household's matches and finds the right 特木尔 already ticked among six
namesakes; she searches and registers two people for a fair; she enrols the eligible ones found
in a cohort, and sees why the others cannot be enrolled."""

from __future__ import annotations

from typing import Any

import pytest

from fairs.models import Attendee
from households.models import Member
from jobs.models import Application
from tests.browser.conftest import log_in
from tests.factories import HouseholdFactory, MemberFactory
from tests.fairs.conftest import make_fair
from tests.jobs.conftest import make_employer, make_posting
from tests.training.conftest import make_cohort, make_course
from training.models import Enrolment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any, where: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{where} scrolls sideways on a phone"


def test_a_helper_picks_people_by_search_and_acts_for_them(
    phone_page: Any, tree: Any, people: Any, household_a: Any
) -> None:
    page = phone_page
    temurs = [
        MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔", phone=f"1384770{n}{n}{n}{n}")
        for n in range(1, 7)
    ]
    unable = MemberFactory(
        household=HouseholdFactory(org_unit=tree.station_a), name="特木尔", work_capacity=Member.WorkCapacity.NONE
    )
    MemberFactory(household=HouseholdFactory(org_unit=tree.town_b), name="特木尔")  # another unit's
    posting = make_posting(make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司"))
    fair = make_fair(tree.county)
    cohort = make_cohort(make_course(tree.county, []), seats=10)

    log_in(page, "hana")

    # Apply on behalf: the link carries the member's id; that 特木尔 is ticked, the others are not.
    chosen = temurs[3]
    page.goto(f"/jobs/{posting.pk}/?member={chosen.pk}#apply-for")
    assert page.is_checked(f"#member_id-results input[value='{chosen.pk}']")
    assert chosen.household.number in page.locator("#apply-for").inner_text()
    page.fill("#member_id-q", "特木尔")  # htmx lists the namesakes, the one ticked stays on top
    page.wait_for_selector(f"#member_id-results input[value='{temurs[0].pk}']")
    assert page.locator("#member_id-results input[name=member_id]").count() == 6  # not the one unable to work
    assert page.is_checked(f"#member_id-results input[value='{chosen.pk}']")
    _fits(page, "the job page with the picker")
    page.fill("#applyfor-consent_note", "2026-05-03 电话同意")
    page.click("#apply-for button.button-primary")
    page.wait_for_load_state("networkidle")
    assert Application.objects.get(posting=posting).member_id == chosen.pk

    # A fair: search by the phone's last 4 digits and by name, tick two, register them together.
    page.goto(f"/fairs/{fair.pk}/")
    page.click(f"a[href='/fairs/{fair.pk}/register/pick/']")
    page.wait_for_url(f"**/fairs/{fair.pk}/register/pick/")
    page.fill("#members-q", "2222")
    page.wait_for_selector(f"#members-results input[value='{temurs[1].pk}']")
    page.check(f"#members-results input[value='{temurs[1].pk}']")
    page.fill("#members-q", "5555")  # a new search keeps the one ticked
    page.wait_for_selector(f"#members-results input[value='{temurs[4].pk}']")
    assert page.is_checked(f"#members-results input[value='{temurs[1].pk}']")
    page.check(f"#members-results input[value='{temurs[4].pk}']")
    _fits(page, "the fair's picker")
    page.click("button[name=register]")
    page.wait_for_url(f"**/fairs/{fair.pk}/")
    assert set(Attendee.objects.values_list("member_id", flat=True)) == {temurs[1].pk, temurs[4].pk}

    # A cohort: "select the eligible ones" ticks the six able 特木尔; the one unable to work is
    # shown with the reason; the list is enrolled.
    page.goto(f"/training/cohorts/{cohort.pk}/enrol-others/pick/")
    page.fill("#members-q", "特木尔")
    page.wait_for_selector(f"#members-results input[value='{unable.pk}']")
    page.click("button[name=select_eligible]")
    page.wait_for_load_state("networkidle")
    for member in temurs:
        assert page.is_checked(f"#members-results input[value='{member.pk}']")
    assert page.is_disabled(f"#members-results input[value='{unable.pk}']")
    assert "特木尔" in page.locator("#ineligible").inner_text()
    _fits(page, "the cohort's picker")
    page.click("button[name=enrol]")
    page.wait_for_url(f"**/training/cohorts/{cohort.pk}/")
    assert set(Enrolment.objects.values_list("member_id", flat=True)) == {m.pk for m in temurs}
