"""The 阳光就业 journey in a real browser, on a phone: a company registers and posts a job with
skills, an organizer verifies the company and publishes the job, Wang finds it and applies, and the
company sees him among its applicants."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jobs.models import Application, Employer, JobPosting
from tests.browser.conftest import log_in
from tests.jobs.conftest import fresh_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_company_posts_a_job_and_a_worker_applies_from_a_phone(
    phone_page: Any, tree: Any, people: Any, household_a: Any
) -> None:
    page = phone_page

    # A company registers itself from the login page.
    page.goto("/accounts/login/")
    page.click("a[href='/jobs/employers/register/']")
    page.fill("[name=name]", "鄂托克旗草原物流有限公司")
    page.fill("[name=uscc]", fresh_uscc())
    page.fill("[name=contact_name]", "白经理")
    page.fill("[name=contact_phone]", "139 4770 6666")
    page.select_option("[name=industry]", "logistics")
    page.fill("[name=username]", "caoyuan")
    page.fill("[name=password]", "grassland-logistics-9")
    page.fill("[name=password_again]", "grassland-logistics-9")
    page.click("form button[type=submit].button-primary")
    page.wait_for_url("**/jobs/company/")
    employer = Employer.objects.get(name="鄂托克旗草原物流有限公司")
    assert employer.status == Employer.Status.PENDING
    assert page.locator(".badge-employer-pending").count() == 1

    # It posts a job; while it types, each skill says what it was understood as.
    page.click("a[href='/jobs/postings/new/']")
    page.fill("[name=title]", "叉车司机")
    page.fill("[name=required_skills]", "开叉车、会开铲运机")
    page.wait_for_function("document.querySelector('#required_skills-understood').textContent.includes('叉车驾驶')")
    assert "会开铲运机" in page.locator("#required_skills-understood").inner_text()
    page.fill("[name=headcount]", "2")
    page.fill("[name=salary_min]", "4500")
    page.fill("[name=salary_max]", "6500")
    page.check("[name=accommodation]")
    page.click("button[name=send_for_review]")
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    posting = JobPosting.objects.get(employer=employer)
    assert posting.state == JobPosting.State.REVIEW
    assert page.locator(".tag-waiting").count() == 1  # 会开铲运机 waits for the union to map it

    # The county organizer verifies the company and publishes the job.
    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto("/jobs/review/employers/")
    employer_form = f"form[action='/jobs/review/employers/{employer.pk}/']"
    page.click(f"#employer-{employer.pk} summary")  # 审批 opens the decision form in place
    page.check(f"{employer_form} input[value=approve]")
    page.click(f"{employer_form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto("/jobs/review/postings/")
    posting_form = f"form[action='/jobs/review/postings/{posting.pk}/']"
    page.click(f"#review-{posting.pk} summary")
    page.check(f"{posting_form} input[value=approve]")
    page.click(f"{posting_form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    posting.refresh_from_db()
    assert posting.state == JobPosting.State.PUBLISHED

    # Wang finds it by a skill in his own words, opens it and applies.
    page.context.clear_cookies()
    log_in(page, "13847700001")
    page.goto("/jobs/")
    page.fill("[name=skill]", "开叉车")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("text=叉车司机")
    page.wait_for_url(f"**/jobs/{posting.pk}/")
    page.fill("[name=message]", "有叉车证，随时可以上岗")
    page.click(f"form[action='/jobs/{posting.pk}/apply/'] button[type=submit]")
    page.wait_for_url("**/jobs/applications/")
    application = Application.objects.get(posting=posting)
    assert application.member.user == people.wang
    assert page.locator(".badge-application-applied").count() == 1

    # The company sees him among its applicants, without his ID number or household.
    page.context.clear_cookies()
    log_in(page, "caoyuan", "grassland-logistics-9")
    page.goto(f"/jobs/postings/{posting.pk}/applicants/")
    applicants = page.locator(".applicant").inner_text()
    assert "王强" in applicants and "有叉车证" in applicants
    member = application.member
    assert member.id_number not in page.content()
    assert household_a.number not in page.content()
