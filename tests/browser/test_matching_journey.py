"""Matching in a real browser, on a phone: Wang opens 我的推荐岗位, sees a forklift job with the
reasons it fits, opens it and applies; the company then finds him in the posting's ranked
candidates, marked as applied, without his ID number or household."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from households.models import Member, MemberSkill
from jobs.models import Application, PostingSkill
from matching import services
from skills.models import Skill
from tests.browser.conftest import log_in
from tests.jobs.conftest import make_employer, make_posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to leave screenshots for a person to look at (nothing is written when unset).
SHOTS = os.environ.get("MATCHING_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_worker_applies_to_a_matched_job_and_the_employer_sees_him_ranked(
    phone_page: Any, tree: Any, people: Any, household_a: Any, eager_tasks: Any
) -> None:
    forklift = Skill.objects.get(code="logistics.forklift")
    welding = Skill.objects.get(code="manufacturing.arc_welding")
    wang = household_a.members.get(relation=Member.Relation.HEAD)
    MemberSkill.objects.create(member=wang, phrase="开叉车", skill=forklift)
    employer = make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")
    posting = make_posting(employer, title="叉车司机")
    PostingSkill.objects.create(posting=posting, phrase="开叉车", skill=forklift)
    PostingSkill.objects.create(posting=posting, phrase="电焊", skill=welding)
    services.refresh_posting(posting.pk)
    page = phone_page

    # Wang starts from his own page and opens 我的推荐岗位.
    log_in(page, "13847700001")
    page.wait_for_url("**/me/")
    page.click("main a[href='/matching/']")
    page.wait_for_url("**/matching/")
    card = page.locator(".match-card", has_text="叉车司机")
    assert card.count() == 1
    assert re.search(r"\d+\s*%", card.locator(".match-percent").inner_text())
    assert card.locator(".match-reasons li").count() >= 1
    assert "叉车驾驶" in card.locator(".tag-matched").inner_text()
    assert "电焊" in card.locator(".tag-missing").inner_text()
    # Phone-first: the card fits the screen, no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "worker-matches")

    # He opens the job from the card and applies.
    card.locator(".posting-title a").click()
    page.wait_for_url(f"**/jobs/{posting.pk}/")
    page.fill("[name=message]", "有叉车证，随时可以上岗")
    page.click(f"form[action='/jobs/{posting.pk}/apply/'] button[type=submit]")
    page.wait_for_url("**/jobs/applications/")
    assert Application.objects.get(posting=posting).member == wang

    # Back on his matches, the job says he applied.
    page.goto("/matching/")
    assert page.locator(".match-card", has_text="叉车司机").locator(".badge-application-applied").count() == 1

    # The company opens the posting's ranked candidates from its postings list.
    page.context.clear_cookies()
    log_in(page, "eve")
    page.goto("/jobs/postings/")
    page.click(f"a[href='/matching/postings/{posting.pk}/candidates/']")
    page.wait_for_url(f"**/matching/postings/{posting.pk}/candidates/")
    ranked = page.locator(".candidate-match", has_text="王强")
    assert ranked.count() == 1
    assert ranked.locator(".badge-application-applied").count() == 1
    assert ranked.locator(".match-reasons li").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    content = page.content()
    assert wang.id_number not in content and household_a.number not in content and household_a.address not in content
    shot(page, "employer-candidates")


def test_a_worker_just_imported_sees_his_matches_being_computed_then_arrive(
    phone_page: Any, tree: Any, people: Any, household_a: Any, eager_tasks: Any
) -> None:
    from matching.models import PendingMatch

    forklift = Skill.objects.get(code="logistics.forklift")
    wang = household_a.members.get(relation=Member.Relation.HEAD)
    MemberSkill.objects.create(member=wang, phrase="开叉车", skill=forklift, source=MemberSkill.Source.IMPORT)
    employer = make_employer(people.eve, tree.county, name="鄂托克旗利民煤业有限公司")
    posting = make_posting(employer, title="叉车司机")
    PostingSkill.objects.create(posting=posting, phrase="开叉车", skill=forklift)
    PendingMatch.objects.create(member=wang)  # the import's matching task has not finished
    page = phone_page

    log_in(page, "13847700001")
    page.wait_for_url("**/me/")
    page.goto("/matching/")
    assert page.locator("#pending-title").count() == 1
    assert page.locator("#no-matches-title").count() == 0  # not told "no jobs match you"
    shot(page, "worker-matches-pending")

    services.match_imported([wang.pk])  # the task ends; the page fills in by itself
    page.locator(".match-card", has_text="叉车司机").wait_for(timeout=15_000)
    assert page.locator("#pending-title").count() == 0
