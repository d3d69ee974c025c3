"""The 技能培训 journey in a real browser, on a phone: Wang asks what he should learn, is told that
forklift driving opens jobs near him, follows the advice to a cohort and takes a seat; his QR code
is on his page. The county organizer records his completion and certificate on the roster, and
his matches now have nothing missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from households.models import Member, MemberSkill
from matching.models import Match
from skills.models import Skill
from tests.browser.conftest import log_in
from tests.training.conftest import forklift_postings, make_cohort, make_course
from training.models import Certificate, Enrolment, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_goes_from_a_skill_gap_recommendation_to_a_seat_and_a_certificate(
    phone_page: Any, tree: Any, people: Any, household_a: Any, eager_tasks: Any
) -> None:
    page = phone_page
    forklift = Skill.objects.get(code="logistics.forklift")
    postings = forklift_postings(tree, people, forklift, count=2)
    course = make_course(tree.county, [forklift], title="叉车司机(N1)特种设备作业人员取证培训")
    cohort = make_cohort(course, seats=5, name="2026年第2期(乌兰镇)")
    Session.objects.create(cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=8))
    wang = household_a.members.get(relation=Member.Relation.HEAD)

    # Wang asks what he should learn: forklift driving opens both jobs, and a cohort teaches it.
    log_in(page, "13847700001")
    page.goto("/training/")
    advice = page.locator(".skill-advice").first
    assert "叉车驾驶" in advice.inner_text() and "2" in advice.locator(".advice-sentence").inner_text()
    advice.locator(f"a[href='/training/courses/{course.pk}/']").click()
    page.wait_for_url(f"**/training/courses/{course.pk}/")

    # He takes a seat; his page shows the code he shows at each class.
    page.click(f"form[action='/training/cohorts/{cohort.pk}/enrol/'] button[type=submit]")
    page.wait_for_url("**/training/mine/")
    enrolment = Enrolment.objects.get(member=wang)
    assert enrolment.state == Enrolment.State.ENROLLED and enrolment.seat == 1
    assert page.locator(".attendance-code svg").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must fit a phone without sideways scrolling"

    # The course has run; the county organizer records the completion and the certificate.
    today = timezone.localdate()
    cohort.starts_on, cohort.ends_on = today - dt.timedelta(days=6), today - dt.timedelta(days=1)
    cohort.enrolment_deadline = cohort.starts_on
    cohort.save()
    page.context.clear_cookies()
    log_in(page, "alice")
    for listing in ("/training/cohorts/", "/training/coverage/", "/training/demand/"):
        page.goto(listing)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{listing} scrolls sideways on a phone"
    page.goto(f"/training/cohorts/{cohort.pk}/")
    completion_form = f"form[action='/training/enrolments/{enrolment.pk}/complete/']"
    page.locator(f"details:has({completion_form}) summary").click()
    page.check(f"{completion_form} input[name=passed][value='1']")
    page.fill(f"{completion_form} [name=score]", "91")
    page.click(f"{completion_form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    certificate_form = f"form[action='/training/enrolments/{enrolment.pk}/certificate/']"
    page.locator(f"details:has({certificate_form}) summary").click()
    page.fill(f"{certificate_form} [name=number]", "NM-2026-000123")
    page.fill(f"{certificate_form} [name=issuer]", "鄂尔多斯市人社局")
    page.click(f"{certificate_form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Certificate.objects.get(member=wang).number == "NM-2026-000123"
    assert MemberSkill.objects.get(member=wang, skill=forklift).certified

    # His matches were refreshed: the forklift jobs no longer miss a skill.
    for posting in postings:
        match = Match.objects.get(member=wang, posting=posting)
        assert match.explanation.get("missing_required") == []

    # And he sees his certificate.
    page.context.clear_cookies()
    log_in(page, "13847700001")
    page.goto("/training/mine/")
    assert "NM-2026-000123" in page.content()
