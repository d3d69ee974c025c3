"""Job fairs in a real browser, on a phone.

1. Wang registers for the graduate fair, the organizer approves a second booth and builds the
   interview schedule, Wang sees his schedule and QR code, a helper at the entrance checks him in
   while the phone is offline (the scan waits in the phone and is sent once it is back online), and
   the employer records an offer at its booth, which becomes Wang's application.
2. A whole fair run in the product: the organizer sets it up, an employer applies for a booth, a
   worker registers, the organizer gives the booth and schedules, the door checks the worker in,
   the employer hires him at the booth, and the organizer reads the report; the hire is a placement."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from fairs.models import Attendee, Booth, Interview, JobFair
from jobs.models import Application, Placement
from tests.browser.conftest import log_in
from tests.fairs.conftest import FairWorld, on_the_day
from tests.fairs.conftest import world as world  # the fixture, shared with tests/fairs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registration_scheduling_checkin_and_an_outcome_from_a_phone(
    phone_page: Any, world: FairWorld, people: Any
) -> None:
    page = phone_page
    fair = world.fair

    # Wang registers himself.
    log_in(page, "13847700001")
    page.goto(f"/fairs/{fair.pk}/")
    page.click(f"form[action='/fairs/{fair.pk}/register/'] button[type=submit]")
    page.wait_for_url(f"**/fairs/{fair.pk}/me/")
    attendee = Attendee.objects.get(fair=fair, member=world.wang)
    assert attendee.priority  # a graduate of this year from a household in the archive

    # The county organizer approves Frank's booth at A02 and builds the schedule.
    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto(f"/fairs/{fair.pk}/")
    decide = f"form[action='/fairs/booths/{world.pending.pk}/decide/']"
    page.select_option(f"{decide} select[name=code]", "A02")
    page.click(f"{decide} button[value=approve]")
    page.wait_for_load_state("networkidle")
    assert Booth.objects.get(pk=world.pending.pk).code == "A02"
    page.click(f"form[action='/fairs/{fair.pk}/schedule/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#last-run").count() == 1
    assert Interview.objects.filter(attendee=attendee).count() == 2  # both booths, two interviews at most

    # Wang sees his schedule and his QR code.
    page.context.clear_cookies()
    log_in(page, "13847700001")
    page.goto(f"/fairs/{fair.pk}/me/")
    assert page.locator("#qr svg").count() == 1
    assert page.locator("#schedule li").count() == 2
    assert page.locator("#typed-code").inner_text() == attendee.code

    # The day of the fair comes. Hana checks him in at the entrance; the connection drops just as she
    # types the code.
    on_the_day(fair)
    page.context.clear_cookies()
    log_in(page, "hana")
    page.goto(f"/fairs/{fair.pk}/checkin/")
    page.context.set_offline(True)
    page.fill("#typed", attendee.code)
    page.click("#typed-form button[type=submit]")
    page.wait_for_function("document.getElementById('pending-count').textContent === '1'")
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None  # still on the phone
    page.context.set_offline(False)
    page.click("#sync")
    page.wait_for_function("document.getElementById('pending-count').textContent === '0'")
    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None
    assert page.locator("#results .scan-checked_in").count() == 1

    # Eve records an offer at her booth; it becomes Wang's application.
    page.context.clear_cookies()
    log_in(page, "eve")
    page.goto(f"/fairs/{fair.pk}/")
    page.click("#my-booth a.button")
    page.wait_for_url(re.compile(r"/fairs/booths/\d+/$"))
    interview = Interview.objects.get(attendee=attendee, booth=world.booth)
    form = f"form[action='/fairs/interviews/{interview.pk}/outcome/']"
    page.select_option(f"{form} select[name$=outcome]", "offer")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    application = Application.objects.get(member=world.wang, posting=world.posting)
    assert application.state == Application.State.OFFERED
    interview.refresh_from_db()
    assert interview.outcome == "offer"


def test_an_organizer_runs_a_whole_fair_from_set_up_to_the_report_and_the_hire_is_a_placement(
    phone_page: Any, world: FairWorld, people: Any, tree: Any
) -> None:
    page = phone_page
    today = timezone.localdate().isoformat()

    # Alice sets the fair up: today, one day, four booths.
    log_in(page, "alice")
    page.goto("/fairs/new/")
    page.fill("[name=name]", "乌兰镇就业援助月招聘会")
    page.select_option("[name=kind]", "general")
    page.select_option("[name=org_unit]", str(tree.county.pk))
    for field in ("starts_on", "ends_on", "registration_opens", "registration_closes"):
        page.fill(f"[name={field}]", today)
    page.fill("[name=venue]", "乌兰镇文化广场")
    page.fill("[name=booth_codes]", "A01-A04")
    page.fill("[name=max_interviews]", "2")
    page.fill("[name=gap_minutes]", "0")
    page.click("form button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/fairs/\d+/$"))
    fair = JobFair.objects.get(name="乌兰镇就业援助月招聘会")
    assert fair.booth_codes == ["A01", "A02", "A03", "A04"]

    # Eve applies for a booth with her forklift job.
    page.context.clear_cookies()
    log_in(page, "eve")
    page.goto(f"/fairs/{fair.pk}/")
    page.check(f"#apply-booth input[name=postings][value='{world.posting.pk}']")
    page.fill("#apply-booth [name=slot_count]", "4")
    page.click("#apply-booth button[type=submit]")
    page.wait_for_load_state("networkidle")
    booth = Booth.objects.get(fair=fair)
    assert booth.status == Booth.Status.PENDING

    # Wang registers.
    page.context.clear_cookies()
    log_in(page, "13847700001")
    page.goto(f"/fairs/{fair.pk}/")
    page.click(f"form[action='/fairs/{fair.pk}/register/'] button[type=submit]")
    page.wait_for_url(f"**/fairs/{fair.pk}/me/")
    attendee = Attendee.objects.get(fair=fair, member=world.wang)

    # Alice gives Eve booth A03 and builds the schedule.
    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto(f"/fairs/{fair.pk}/")
    decide = f"form[action='/fairs/booths/{booth.pk}/decide/']"
    page.select_option(f"{decide} select[name=code]", "A03")
    page.click(f"{decide} button[value=approve]")
    page.wait_for_load_state("networkidle")
    page.click(f"form[action='/fairs/{fair.pk}/schedule/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    interview = Interview.objects.get(attendee=attendee)
    assert interview.booth.code == "A03"

    # Hana checks Wang in at the door.
    page.context.clear_cookies()
    log_in(page, "hana")
    page.goto(f"/fairs/{fair.pk}/checkin/")
    page.fill("#typed", attendee.code.lower())
    page.click("#typed-form button[type=submit]")
    page.wait_for_selector("#results .scan-checked_in")

    # Eve hires him at the booth.
    page.context.clear_cookies()
    log_in(page, "eve")
    page.goto(f"/fairs/booths/{booth.pk}/")
    form = f"form[action='/fairs/interviews/{interview.pk}/outcome/']"
    page.select_option(f"{form} select[name$=outcome]", "hired")
    page.fill(f"{form} input[name$=start_date]", today)
    page.fill(f"{form} input[name$=monthly_wage]", "5200")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Placement.objects.filter(member=world.wang, employer=world.eve_co, monthly_wage=5200).exists()

    # Alice reads the report, and the hire is among the placements.
    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto(f"/fairs/{fair.pk}/report/")
    tiles = page.locator("#totals .tile-count").all_inner_texts()
    assert tiles == ["1", "1", "1", "1", "1", "1"]  # registered, checked in, scheduled, interviewed, offer, hired
    page.goto("/jobs/placements/")
    assert page.locator("text=王强").count() >= 1
