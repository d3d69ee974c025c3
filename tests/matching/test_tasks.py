"""Freshness: a write of the jobs or the archive enqueues the matching task by name once it commits
(tasks run in-process: ``eager_tasks``), so that what the worker and the employer read follows at
once; the nightly re-match is on beat and runs as a group of chunks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery import current_app
from django.conf import settings
from django.utils import timezone

from households import services as household_services
from households.models import Household, Member
from jobs import services as job_services
from jobs.models import Application, Employer, JobPosting, PhysicalDemand
from matching import selectors, services
from matching.models import Match
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.world import CLEANING, FORKLIFT, WELDING, ask_skills, fresh_market, give_skills, skill, stored

pytestmark = pytest.mark.django_db
__all__ = ["fresh_market"]


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民物流有限公司")


@pytest.fixture
def wang(household_a: Household) -> Member:
    return give_skills(household_a.members.get(relation=Member.Relation.HEAD), FORKLIFT)


@pytest.fixture
def live(eager_tasks: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Run the on-commit callbacks of a block (a test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def posting_titles(user: Any) -> list[str]:
    return [row.posting.title for row in selectors.my_matches(user) if row.posting is not None]


def test_a_published_posting_is_among_the_workers_matches_right_after_commit(
    live: Any, people: Any, employer: Employer, wang: Member
) -> None:
    posting = ask_skills(make_posting(employer, title="叉车司机", state=JobPosting.State.REVIEW), FORKLIFT)
    assert posting_titles(people.wang) == []

    with live():
        job_services.posting_review(posting=posting, by=people.alice, approve=True)

    assert posting_titles(people.wang) == ["叉车司机"]


def test_a_withdrawn_posting_leaves_the_workers_matches(
    live: Any, people: Any, employer: Employer, wang: Member
) -> None:
    posting = ask_skills(make_posting(employer), FORKLIFT)
    services.refresh_posting(posting.pk)
    assert posting_titles(people.wang)

    with live():
        job_services.posting_withdraw(posting=posting, by=people.eve)

    assert posting_titles(people.wang) == []
    assert not stored(posting=posting)


def test_a_posting_filled_by_a_hire_leaves_everyones_matches(
    live: Any, people: Any, employer: Employer, wang: Member, household_b: Household
) -> None:
    li = give_skills(household_b.members.get(), FORKLIFT)
    posting = ask_skills(make_posting(employer, headcount=1), FORKLIFT)
    services.refresh_posting(posting.pk)
    assert stored(member=li, posting=posting)
    application = job_services.application_apply(posting=posting, member=wang, by=people.wang)
    application = job_services.application_move(
        application=application, by=people.eve, to_state=Application.State.OFFERED
    )

    with live():
        job_services.application_hire(
            application=application, by=people.eve, start_date=timezone.localdate(), monthly_wage=6000
        )

    assert not stored(posting=posting)


def test_an_expired_posting_leaves_the_matches(live: Any, people: Any, employer: Employer, wang: Member) -> None:
    posting = ask_skills(make_posting(employer), FORKLIFT)
    services.refresh_posting(posting.pk)

    with live():
        job_services.postings_expire(today=timezone.localdate() + dt.timedelta(days=31))

    assert not stored(posting=posting)


def test_an_edited_posting_is_scored_again(live: Any, people: Any, employer: Employer, wang: Member) -> None:
    posting = ask_skills(make_posting(employer), FORKLIFT)
    services.refresh_posting(posting.pk)
    assert Match.objects.get().explanation["missing_required"] == []

    data = job_services.PostingInput(
        title=posting.title,
        headcount=2,
        region_code="150624",
        salary_min=4500,
        salary_max=6500,
        valid_until=posting.valid_until,
        physical_demand=PhysicalDemand.MODERATE,
        required_skills=[skill(FORKLIFT).name_zh, skill(WELDING).name_zh],
    )
    with live():
        job_services.posting_update(posting=posting, by=people.alice, data=data)  # an organizer: stays published

    assert Match.objects.get().explanation["missing_required"] == [WELDING]


def test_a_new_skill_refreshes_the_members_matches(live: Any, people: Any, employer: Employer, wang: Member) -> None:
    posting = ask_skills(make_posting(employer), FORKLIFT, preferred=(CLEANING,))
    services.refresh_posting(posting.pk)
    before = Match.objects.get()
    assert before.explanation["matched_preferred"] == []

    with live():
        household_services.member_skill_add(member=wang, by=people.wang, skill=skill(CLEANING))

    after = Match.objects.get()
    assert after.explanation["matched_preferred"] == [CLEANING]
    assert after.score > before.score


def test_less_work_capacity_takes_moderate_work_away(live: Any, people: Any, employer: Employer, wang: Member) -> None:
    ask_skills(make_posting(employer), FORKLIFT)
    services.refresh_member(wang.pk)
    assert posting_titles(people.wang)

    with live():
        household_services.member_update(member=wang, by=people.hana, work_capacity=Member.WorkCapacity.PARTIAL)

    assert posting_titles(people.wang) == []


def test_a_member_who_switches_off_being_found_leaves_the_employers_list_at_once(
    people: Any, employer: Employer, wang: Member
) -> None:
    Member.objects.filter(pk=wang.pk).update(consent_to_be_found=True)
    wang.refresh_from_db()
    posting = ask_skills(make_posting(employer), FORKLIFT)
    services.refresh_posting(posting.pk)
    assert [row.member for row in selectors.candidates_for_posting(people.eve, posting.pk)] == [wang]

    # No task needed: the employer's list reads the switch itself.
    household_services.job_preference_update(member=wang, by=people.wang, consent_to_be_found=False)

    assert selectors.candidates_for_posting(people.eve, posting.pk) == []


def test_tasks_are_registered_under_the_names_lower_layers_use() -> None:
    for name in (
        "matching.refresh_posting",
        "matching.refresh_member",
        "matching.refresh_members",
        "matching.rematch_all",
        "matching.rematch_chunk",
    ):
        assert name in current_app.tasks


def test_the_nightly_rematch_is_on_beat() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-rematch"]
    assert entry["task"] == "matching.rematch_all"
    assert entry["task"] in current_app.tasks
    assert entry["schedule"].hour == {2}


def test_the_rematch_task_runs_its_chunks(
    settings: Any, eager_tasks: Any, employer: Employer, wang: Member, household_b: Household
) -> None:
    settings.MATCHING_CHUNK_SIZE = 1
    li = give_skills(household_b.members.get(), FORKLIFT)
    posting = ask_skills(make_posting(employer), FORKLIFT)

    chunks = current_app.tasks["matching.rematch_all"].delay().get()

    assert chunks == 2
    assert stored() == {(wang.pk, posting.pk), (li.pk, posting.pk)}
