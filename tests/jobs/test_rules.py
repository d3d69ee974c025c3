"""The rules of 阳光就业, through the services: every bad input of the issue is refused with a clear
error and writes nothing; a hire changes what the issue says it changes; exactly one of two
employer users hiring for the last seat at the same moment wins.

The module also holds the small world the jobs API tests share too (``build_world``), built on
tests/jobs/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households.models import Household, Member, PlanGoal
from jobs import selectors, services
from jobs.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMembership,
    JobPosting,
    PhysicalDemand,
    Placement,
    RetentionCheck,
)
from tests.conftest import People, Tree
from tests.factories import MemberFactory, PlanGoalFactory, ReliefPlanFactory, UserFactory
from tests.jobs.conftest import make_employer, make_posting

# --- the shared world ---------------------------------------------------------------------------------
# Built on the fixtures of tests/jobs/conftest.py (Eve's verified company, Frank's competitor, Eve's
# open posting), with what the rules need on top: a second login of Eve's company, Wang's wife with
# partial work capacity, and a worker of town B who agreed to be found by employers.


@dataclass
class World:
    tree: Tree
    people: People
    household_a: Household  # station A, headed by Wang, paired with Hana
    household_b: Household  # town B
    company: Employer  # Eve and Erin's, verified, answers to the county
    rival: Employer  # Frank's, verified
    erin: User
    frank: User
    posting: JobPosting  # the company's, published, two wanted, moderate work
    wang: Member  # full capacity, a login
    spouse: Member  # Wang's wife, partial capacity
    li: Member  # household B, agreed to be found by employers


def build_world(
    tree: Tree,
    people: People,
    household_a: Household,
    household_b: Household,
    employer: Employer,
    other_employer: Employer,
    frank: User,
    posting: JobPosting,
) -> World:
    erin = UserFactory(username="erin", role=Role.EMPLOYER, full_name="艾琳")
    EmployerMembership.objects.create(user=erin, employer=employer)
    spouse = MemberFactory(
        household=household_a, name="刘芳", relation=Member.Relation.SPOUSE, work_capacity=Member.WorkCapacity.PARTIAL
    )
    li = household_b.members.get(relation=Member.Relation.HEAD)
    li.consent_to_be_found = True
    li.save(update_fields=["consent_to_be_found"])
    return World(
        tree=tree,
        people=people,
        household_a=household_a,
        household_b=household_b,
        company=employer,
        rival=other_employer,
        erin=erin,
        frank=frank,
        posting=posting,
        wang=household_a.members.get(relation=Member.Relation.HEAD),
        spouse=spouse,
        li=li,
    )


@pytest.fixture
def world(
    tree: Tree,
    people: People,
    household_a: Household,
    household_b: Household,
    employer: Employer,
    other_employer: Employer,
    frank: User,
    posting: JobPosting,
) -> World:
    return build_world(tree, people, household_a, household_b, employer, other_employer, frank, posting)


def pending_employer(world: World, **values: Any) -> Employer:
    return make_employer(UserFactory(role=Role.EMPLOYER), world.tree.county, name="待审核劳务公司", **values)


def offered(world: World, posting: JobPosting, member: Member) -> Application:
    """An application that reached the offer: the organizer applied (consent recorded), Eve offered."""
    application = services.application_apply(
        posting=posting, member=member, by=world.people.alice, consent_note="电话中本人同意"
    )
    return services.application_move(
        application=application, by=world.people.eve, to_state=Application.State.OFFERED, note="面试通过"
    )


def posting_input(**values: Any) -> services.PostingInput:
    defaults: dict[str, Any] = {
        "title": "仓库管理员",
        "headcount": 1,
        "region_code": "150624",
        "salary_min": 4000,
        "salary_max": 5500,
        "valid_until": timezone.localdate() + dt.timedelta(days=60),
        "required_skills": ["仓库管理", "熟练使用办公软件"],
        "preferred_skills": ["会开叉车", "吃苦耐劳"],
    }
    return services.PostingInput(**{**defaults, **values})


pytestmark = pytest.mark.django_db


# --- postings -----------------------------------------------------------------------------------------


class TestPostingInput:
    def test_a_posting_is_saved_as_a_draft_with_its_skills_understood(self, world):
        posting = services.posting_create(employer=world.company, by=world.people.eve, data=posting_input())
        assert posting.state == JobPosting.State.DRAFT
        assert posting.occupation is not None
        skills = {s.phrase: (s.skill.code if s.skill else None, s.required) for s in posting.skills.all()}
        # 吃苦耐劳 is a quality, not a skill: it is not kept as one.
        assert skills == {
            "仓库管理": ("logistics.warehouse_keeping", True),
            "熟练使用办公软件": ("office.office_software", True),
            "会开叉车": ("logistics.forklift", False),
        }

    def test_a_phrase_the_taxonomy_cannot_place_is_kept_without_a_skill(self, world):
        posting = services.posting_create(
            employer=world.company,
            by=world.people.eve,
            data=posting_input(required_skills=["会修理老式缝纫机和锁边机"]),
        )
        [entry] = posting.skills.filter(required=True)
        assert entry.phrase == "会修理老式缝纫机和锁边机"
        assert entry.skill is None

    def test_a_salary_minimum_above_the_maximum_is_refused_and_nothing_is_written(self, world):
        before = JobPosting.objects.count()
        with pytest.raises(InvalidInput) as refused:
            services.posting_create(
                employer=world.company, by=world.people.eve, data=posting_input(salary_min=6000, salary_max=5000)
            )
        assert refused.value.field == "salary_min"
        assert "6000" in refused.value.message and "5000" in refused.value.message
        assert JobPosting.objects.count() == before

    def test_an_edit_with_the_salaries_reversed_changes_nothing(self, world):
        with pytest.raises(InvalidInput):
            services.posting_update(
                posting=world.posting, by=world.people.eve, data=posting_input(salary_min=9000, salary_max=3000)
            )
        world.posting.refresh_from_db()
        assert (world.posting.salary_min, world.posting.salary_max, world.posting.title) == (4500, 6500, "叉车司机")

    @pytest.mark.parametrize("headcount", [0, -3])
    def test_a_headcount_below_one_is_refused_and_nothing_is_written(self, world, headcount):
        before = JobPosting.objects.count()
        with pytest.raises(InvalidInput) as refused:
            services.posting_create(
                employer=world.company, by=world.people.eve, data=posting_input(headcount=headcount)
            )
        assert refused.value.field == "headcount"
        assert JobPosting.objects.count() == before

    def test_a_closing_date_in_the_past_is_refused(self, world):
        with pytest.raises(InvalidInput) as refused:
            services.posting_create(
                employer=world.company,
                by=world.people.eve,
                data=posting_input(valid_until=timezone.localdate() - dt.timedelta(days=1)),
            )
        assert refused.value.field == "valid_until"

    def test_an_employer_cannot_edit_another_companys_posting(self, world):
        with pytest.raises(NotFound):
            services.posting_update(posting=world.posting, by=world.frank, data=posting_input(title="改掉"))
        world.posting.refresh_from_db()
        assert world.posting.title == "叉车司机"

    def test_an_employer_cannot_withdraw_another_companys_posting(self, world):
        with pytest.raises(NotFound):
            services.posting_withdraw(posting=world.posting, by=world.frank)
        world.posting.refresh_from_db()
        assert world.posting.state == JobPosting.State.PUBLISHED


class TestPublishing:
    def test_a_posting_goes_from_draft_through_review_to_published(self, world):
        posting = services.posting_create(employer=world.company, by=world.people.eve, data=posting_input())
        services.posting_submit(posting=posting, by=world.people.eve)
        posting = services.posting_review(posting=posting, by=world.people.alice, approve=True)
        assert posting.state == JobPosting.State.PUBLISHED
        assert posting.published_at is not None
        assert selectors.open_postings().filter(pk=posting.pk).exists()

    def test_an_unverified_employers_posting_cannot_be_published(self, world):
        pending = pending_employer(world, status=Employer.Status.PENDING)
        posting = make_posting(pending, state=JobPosting.State.REVIEW, published_at=None)
        with pytest.raises(Conflict) as refused:
            services.posting_review(posting=posting, by=world.people.alice, approve=True)
        assert "Verify the employer" in refused.value.message
        posting.refresh_from_db()
        assert posting.state == JobPosting.State.REVIEW
        assert posting.published_at is None

    def test_a_rejected_employer_cannot_post(self, world):
        rejected = pending_employer(world, status=Employer.Status.REJECTED)
        user = rejected.memberships.get().user
        with pytest.raises(Forbidden):
            services.posting_create(employer=rejected, by=user, data=posting_input())
        assert not rejected.postings.exists()

    def test_an_organizer_of_a_sibling_unit_cannot_review(self, world):
        posting = make_posting(world.company, state=JobPosting.State.REVIEW, published_at=None)
        with pytest.raises(NotFound):
            services.posting_review(posting=posting, by=world.people.bob, approve=True)
        posting.refresh_from_db()
        assert posting.state == JobPosting.State.REVIEW

    def test_sending_a_posting_back_needs_a_note(self, world):
        posting = make_posting(world.company, state=JobPosting.State.REVIEW, published_at=None)
        with pytest.raises(InvalidInput) as refused:
            services.posting_review(posting=posting, by=world.people.alice, approve=False)
        assert refused.value.field == "note"

    def test_expiry_moves_published_postings_past_their_closing_date_only(self, world):
        today = timezone.localdate()
        past = make_posting(world.company, valid_until=today - dt.timedelta(days=1))
        draft_past = make_posting(world.company, state=JobPosting.State.DRAFT, valid_until=today - dt.timedelta(days=3))
        assert services.postings_expire() == 1
        past.refresh_from_db()
        draft_past.refresh_from_db()
        world.posting.refresh_from_db()
        assert past.state == JobPosting.State.EXPIRED
        assert draft_past.state == JobPosting.State.DRAFT
        assert world.posting.state == JobPosting.State.PUBLISHED
        assert services.postings_expire() == 0  # idempotent: the beat may run it twice

    def test_the_expiry_task_runs_the_service(self, world, eager_tasks):
        from jobs.tasks import expire_postings

        past = make_posting(world.company, valid_until=timezone.localdate() - dt.timedelta(days=2))
        assert expire_postings.delay().get() == 1
        past.refresh_from_db()
        assert past.state == JobPosting.State.EXPIRED


# --- applying -----------------------------------------------------------------------------------------


class TestApplying:
    def test_a_worker_applies_for_themselves_and_the_step_is_logged(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        assert (application.state, application.via) == (Application.State.APPLIED, Application.Via.SELF)
        [event] = application.events.all()
        assert (event.from_state, event.to_state, event.actor) == ("", Application.State.APPLIED, world.people.wang)

    def test_a_helper_applies_with_the_workers_consent_recorded(self, world):
        application = services.application_apply(
            posting=world.posting, member=world.wang, by=world.people.hana, consent_note="本人当面同意"
        )
        assert application.via == Application.Via.HELPER
        assert application.consent_recorded_at is not None
        assert application.consent_note == "本人当面同意"

    @pytest.mark.parametrize("note", ["", "   "])
    def test_a_helper_applying_without_a_consent_note_is_refused(self, world, note):
        with pytest.raises(InvalidInput) as refused:
            services.application_apply(
                posting=world.posting, member=world.wang, by=world.people.hana, consent_note=note
            )
        assert refused.value.field == "consent_note"
        assert not Application.objects.exists()
        assert not ApplicationEvent.objects.exists()

    def test_a_worker_cannot_apply_in_someone_elses_name(self, world):
        with pytest.raises(NotFound):
            services.application_apply(posting=world.posting, member=world.spouse, by=world.people.wang)
        assert not Application.objects.exists()

    def test_a_helper_of_another_unit_cannot_apply_for_the_worker(self, world):
        stranger = UserFactory(role=Role.HELPER, org_unit=world.tree.town_b)
        with pytest.raises(NotFound):
            services.application_apply(posting=world.posting, member=world.wang, by=stranger, consent_note="同意")
        assert not Application.objects.exists()

    def test_applying_to_an_expired_posting_is_refused(self, world):
        expired = make_posting(world.company, state=JobPosting.State.EXPIRED)
        with pytest.raises(Conflict) as refused:
            services.application_apply(posting=expired, member=world.wang, by=world.people.wang)
        assert "closed" in refused.value.message
        assert not Application.objects.exists()

    def test_applying_after_the_closing_date_is_refused_even_before_the_expiry_task_ran(self, world):
        overdue = make_posting(world.company, valid_until=timezone.localdate() - dt.timedelta(days=1))
        with pytest.raises(Conflict) as refused:
            services.application_apply(posting=overdue, member=world.wang, by=world.people.wang)
        assert "closed" in refused.value.message
        assert not Application.objects.exists()

    def test_applying_to_a_filled_posting_is_refused(self, world):
        filled = make_posting(world.company, state=JobPosting.State.FILLED)
        with pytest.raises(Conflict) as refused:
            services.application_apply(posting=filled, member=world.wang, by=world.people.wang)
        assert "filled" in refused.value.message
        assert not Application.objects.exists()

    @pytest.mark.parametrize("state", [JobPosting.State.DRAFT, JobPosting.State.REVIEW, JobPosting.State.WITHDRAWN])
    def test_applying_to_an_unpublished_posting_is_refused(self, world, state):
        posting = make_posting(world.company, state=state)
        with pytest.raises(Conflict) as refused:
            services.application_apply(posting=posting, member=world.wang, by=world.people.wang)
        assert "not open" in refused.value.message
        assert not Application.objects.exists()

    def test_applying_to_a_posting_of_an_employer_no_longer_verified_is_refused(self, world):
        Employer.objects.filter(pk=world.company.pk).update(status=Employer.Status.SUSPENDED)
        with pytest.raises(Conflict):
            services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        assert not Application.objects.exists()

    def test_applying_twice_is_refused_and_the_first_application_stays_as_it_was(self, world):
        first = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        with pytest.raises(Conflict) as refused:
            services.application_apply(
                posting=world.posting, member=world.wang, by=world.people.hana, consent_note="再次同意"
            )
        assert "already applied" in refused.value.message
        assert list(Application.objects.values_list("pk", "via")) == [(first.pk, Application.Via.SELF)]
        assert ApplicationEvent.objects.count() == 1

    def test_heavy_work_is_refused_for_partial_capacity(self, world):
        heavy = make_posting(world.company, physical_demand=PhysicalDemand.HEAVY, title="井下辅助工")
        with pytest.raises(InvalidInput) as refused:
            services.application_apply(posting=heavy, member=world.spouse, by=world.people.hana, consent_note="同意")
        assert "full work capacity" in refused.value.message
        assert not Application.objects.exists()

    def test_light_work_is_open_to_partial_capacity(self, world):
        light = make_posting(world.company, physical_demand=PhysicalDemand.LIGHT, title="超市收银员")
        application = services.application_apply(
            posting=light, member=world.spouse, by=world.people.hana, consent_note="同意"
        )
        assert application.state == Application.State.APPLIED

    def test_nobody_applies_for_a_member_without_work_capacity(self, world):
        light = make_posting(world.company, physical_demand=PhysicalDemand.LIGHT)
        Member.objects.filter(pk=world.spouse.pk).update(work_capacity=Member.WorkCapacity.NONE)
        with pytest.raises(InvalidInput):
            services.application_apply(posting=light, member=world.spouse, by=world.people.hana, consent_note="同意")
        assert not Application.objects.exists()

    def test_an_employer_invites_only_people_who_agreed_to_be_found(self, world):
        with pytest.raises(NotFound):
            services.application_invite(posting=world.posting, member=world.wang, by=world.people.eve)
        invited = services.application_invite(posting=world.posting, member=world.li, by=world.people.eve)
        assert (invited.state, invited.via) == (Application.State.INVITED, Application.Via.INVITATION)

    def test_accepting_an_invitation_to_heavy_work_is_refused_for_partial_capacity(self, world):
        heavy = make_posting(world.company, physical_demand=PhysicalDemand.HEAVY, title="井下辅助工")
        Member.objects.filter(pk=world.spouse.pk).update(consent_to_be_found=True)
        invited = services.application_invite(posting=heavy, member=world.spouse, by=world.people.eve)
        with pytest.raises(InvalidInput):
            services.application_move(application=invited, by=world.people.hana, to_state=Application.State.APPLIED)


# --- the state machine --------------------------------------------------------------------------------


class TestStateMachine:
    def test_the_employer_moves_an_application_along_and_every_step_is_logged(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        for state in (Application.State.VIEWED, Application.State.INTERVIEW, Application.State.OFFERED):
            application = services.application_move(application=application, by=world.people.eve, to_state=state)
        steps = list(application.events.values_list("from_state", "to_state", "actor__username"))
        assert steps == [
            ("", "applied", "wang"),
            ("applied", "viewed", "eve"),
            ("viewed", "interview", "eve"),
            ("interview", "offered", "eve"),
        ]

    @pytest.mark.parametrize(
        ("start", "who", "to_state", "error"),
        [
            (Application.State.APPLIED, "eve", Application.State.WITHDRAWN, Conflict),  # only the worker withdraws
            (Application.State.APPLIED, "wang", Application.State.OFFERED, Conflict),  # workers do not offer
            (Application.State.REJECTED, "eve", Application.State.INTERVIEW, Conflict),  # a rejection is final
            (Application.State.OFFERED, "eve", Application.State.VIEWED, Conflict),  # no step back
            (Application.State.WITHDRAWN, "wang", Application.State.APPLIED, Conflict),
            (Application.State.APPLIED, "eve", Application.State.HIRED, InvalidInput),  # hiring needs the terms
            (Application.State.APPLIED, "eve", "promoted", Conflict),  # not a state at all
        ],
    )
    def test_a_transition_the_state_machine_does_not_allow_is_refused(self, world, start, who, to_state, error):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        Application.objects.filter(pk=application.pk).update(state=start)
        events = ApplicationEvent.objects.count()
        with pytest.raises(error):
            services.application_move(application=application, by=getattr(world.people, who), to_state=to_state)
        application.refresh_from_db()
        assert application.state == start
        assert ApplicationEvent.objects.count() == events

    def test_another_company_cannot_move_the_application(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        with pytest.raises(NotFound):
            services.application_move(application=application, by=world.frank, to_state=Application.State.REJECTED)
        application.refresh_from_db()
        assert application.state == Application.State.APPLIED

    def test_the_worker_withdraws(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        application = services.application_move(
            application=application, by=world.people.wang, to_state=Application.State.WITHDRAWN
        )
        assert application.state == Application.State.WITHDRAWN

    def test_an_employer_move_resets_the_stalled_clock_and_a_workers_does_not(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        long_ago = timezone.now() - dt.timedelta(days=40)
        Application.objects.filter(pk=application.pk).update(employer_touched_at=long_ago)
        application = services.application_move(
            application=application, by=world.people.eve, to_state=Application.State.VIEWED
        )
        assert application.employer_touched_at > long_ago
        Application.objects.filter(pk=application.pk).update(employer_touched_at=long_ago)
        services.application_move(application=application, by=world.people.wang, to_state=Application.State.WITHDRAWN)
        application.refresh_from_db()
        assert application.employer_touched_at == long_ago


class TestStalledApplications:
    def test_stalled_applications_are_flagged_to_the_households_unit_and_not_to_a_sibling(self, world):
        stalled = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        fresh = services.application_apply(
            posting=world.posting, member=world.li, by=world.people.alice, consent_note="同意"
        )
        Application.objects.filter(pk=stalled.pk).update(employer_touched_at=timezone.now() - dt.timedelta(days=31))
        assert list(selectors.stalled_applications_for(world.people.olga)) == [stalled]
        assert list(selectors.stalled_applications_for(world.people.alice)) == [stalled]
        assert list(selectors.stalled_applications_for(world.people.bob)) == []
        assert fresh not in selectors.stalled_applications_for(world.people.alice)

    def test_closed_applications_are_never_stalled(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        Application.objects.filter(pk=application.pk).update(
            state=Application.State.REJECTED, employer_touched_at=timezone.now() - dt.timedelta(days=90)
        )
        assert not selectors.stalled_applications_for(world.people.olga).exists()

    def test_employers_and_workers_see_no_stalled_list(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        Application.objects.filter(pk=application.pk).update(employer_touched_at=timezone.now() - dt.timedelta(days=31))
        assert not selectors.stalled_applications_for(world.people.eve).exists()
        assert not selectors.stalled_applications_for(world.people.wang).exists()


# --- the hire -----------------------------------------------------------------------------------------


class TestHire:
    def test_the_hire_updates_the_member_the_household_the_plan_and_schedules_follow_ups(self, world):
        plan = ReliefPlanFactory(household=world.household_a)
        goal = PlanGoalFactory(plan=plan, member=world.wang, title="王强实现稳定就业")
        application = offered(world, world.posting, world.wang)
        start = timezone.localdate() + dt.timedelta(days=3)

        placement = services.application_hire(
            application=application, by=world.people.eve, start_date=start, monthly_wage=5200
        )

        assert (placement.member, placement.employer, placement.posting) == (world.wang, world.company, world.posting)
        assert (placement.start_date, placement.monthly_wage) == (start, 5200)
        application.refresh_from_db()
        assert application.state == Application.State.HIRED
        assert application.events.last().to_state == Application.State.HIRED
        wang = Member.objects.get(pk=world.wang.pk)
        assert wang.employment_status == Member.EmploymentStatus.EMPLOYED
        assert wang.monthly_income == Decimal("5200.00")
        household = Household.objects.get(pk=world.household_a.pk)
        # 650 a head for two people, plus 5,200 Wang did not earn before: (1300 + 5200) / 2.
        assert household.income_per_head == Decimal("3250.00")
        goal.refresh_from_db()
        assert goal.status == PlanGoal.Status.MET
        assert world.company.name in goal.evidence
        checks = list(placement.retention_checks.order_by("months").values_list("months", "due_on", "done_on"))
        assert checks == [
            (1, services._add_months(start, 1), None),
            (3, services._add_months(start, 3), None),
            (6, services._add_months(start, 6), None),
        ]

    def test_the_follow_ups_land_on_the_paired_helpers_list(self, world):
        application = offered(world, world.posting, world.wang)
        services.application_hire(
            application=application,
            by=world.people.eve,
            start_date=timezone.localdate() - dt.timedelta(days=28),
            monthly_wage=4800,
        )
        [due] = selectors.retention_checks_due_for(world.people.hana)
        assert due.months == 1
        assert not selectors.retention_checks_due_for(world.people.bob).exists()

    def test_the_workers_other_applications_are_closed(self, world):
        other_posting = make_posting(world.rival, title="装载机司机")
        elsewhere = services.application_apply(posting=other_posting, member=world.wang, by=world.people.wang)
        application = offered(world, world.posting, world.wang)
        services.application_hire(
            application=application, by=world.people.eve, start_date=timezone.localdate(), monthly_wage=5000
        )
        elsewhere.refresh_from_db()
        assert elsewhere.state == Application.State.CLOSED
        last = elsewhere.events.last()
        assert (last.from_state, last.to_state, last.note) == ("applied", "closed", "Hired elsewhere")

    def test_the_posting_is_filled_at_its_headcount_and_its_other_open_applications_are_closed(self, world):
        posting = make_posting(world.company, headcount=1)
        application = offered(world, posting, world.wang)
        waiting = services.application_apply(
            posting=posting, member=world.li, by=world.people.alice, consent_note="同意"
        )
        services.application_hire(
            application=application, by=world.people.eve, start_date=timezone.localdate(), monthly_wage=5000
        )
        posting.refresh_from_db()
        waiting.refresh_from_db()
        assert posting.state == JobPosting.State.FILLED
        assert waiting.state == Application.State.CLOSED
        assert not selectors.open_postings().filter(pk=posting.pk).exists()

    def test_a_posting_with_seats_left_stays_published(self, world):
        application = offered(world, world.posting, world.wang)
        services.application_hire(
            application=application, by=world.people.eve, start_date=timezone.localdate(), monthly_wage=5000
        )
        world.posting.refresh_from_db()
        assert world.posting.state == JobPosting.State.PUBLISHED

    def test_hiring_beyond_the_headcount_is_refused(self, world):
        posting = make_posting(world.company, headcount=1)
        first = offered(world, posting, world.wang)
        second = offered(world, posting, world.li)
        services.application_hire(
            application=first, by=world.people.eve, start_date=timezone.localdate(), monthly_wage=5000
        )
        with pytest.raises(Conflict):
            services.application_hire(
                application=second, by=world.erin, start_date=timezone.localdate(), monthly_wage=5000
            )
        assert Placement.objects.filter(posting=posting).count() == 1
        assert Member.objects.get(pk=world.li.pk).employment_status != Member.EmploymentStatus.EMPLOYED

    def test_the_headcount_is_checked_even_when_an_offer_is_still_open(self, world):
        """The seat count itself refuses the hire, not only the closing of other applications."""
        posting = make_posting(world.company, headcount=1)
        first = offered(world, posting, world.wang)
        second = offered(world, posting, world.li)
        # A seat taken without the posting being filled yet (what the second of two simultaneous
        # hires sees once the first one committed).
        Placement.objects.create(
            application=first,
            member=world.wang,
            employer=world.company,
            posting=posting,
            start_date=timezone.localdate(),
            monthly_wage=5000,
        )
        with pytest.raises(Conflict) as refused:
            services.application_hire(
                application=second, by=world.erin, start_date=timezone.localdate(), monthly_wage=5000
            )
        assert "already filled" in refused.value.message
        assert Placement.objects.filter(posting=posting).count() == 1
        assert not RetentionCheck.objects.exists()

    def test_only_an_offered_application_becomes_a_hire(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        with pytest.raises(Conflict):
            services.application_hire(
                application=application, by=world.people.eve, start_date=timezone.localdate(), monthly_wage=5000
            )
        assert not Placement.objects.exists()

    def test_another_company_cannot_record_the_hire(self, world):
        application = offered(world, world.posting, world.wang)
        with pytest.raises(NotFound):
            services.application_hire(
                application=application, by=world.frank, start_date=timezone.localdate(), monthly_wage=5000
            )
        assert not Placement.objects.exists()

    @pytest.mark.parametrize(
        ("days", "wage", "field"),
        [(0, 0, "monthly_wage"), (0, 300_000, "monthly_wage"), (-200, 5000, "start_date"), (400, 5000, "start_date")],
    )
    def test_implausible_terms_are_refused(self, world, days, wage, field):
        application = offered(world, world.posting, world.wang)
        with pytest.raises(InvalidInput) as refused:
            services.application_hire(
                application=application,
                by=world.people.eve,
                start_date=timezone.localdate() + dt.timedelta(days=days),
                monthly_wage=wage,
            )
        assert refused.value.field == field
        assert not Placement.objects.exists()
        assert Member.objects.get(pk=world.wang.pk).employment_status == Member.EmploymentStatus.UNEMPLOYED

    def test_a_withdrawn_posting_closes_its_open_applications(self, world):
        application = services.application_apply(posting=world.posting, member=world.wang, by=world.people.wang)
        services.posting_withdraw(posting=world.posting, by=world.people.eve)
        application.refresh_from_db()
        assert application.state == Application.State.CLOSED


# --- two employer users, one seat ---------------------------------------------------------------------


def _last_seat(world: World) -> tuple[JobPosting, Application, Application]:
    posting = make_posting(world.company, headcount=1)
    return posting, offered(world, posting, world.wang), offered(world, posting, world.li)


def test_two_hires_for_the_last_seat_one_after_the_other_only_the_first_wins(world):
    posting, first, second = _last_seat(world)
    services.application_hire(
        application=first, by=world.people.eve, start_date=timezone.localdate(), monthly_wage=5000
    )
    with pytest.raises(Conflict):
        services.application_hire(application=second, by=world.erin, start_date=timezone.localdate(), monthly_wage=5000)
    assert list(Placement.objects.filter(posting=posting).values_list("member", flat=True)) == [world.wang.pk]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so two hires cannot overlap there (the sequential "
    "test above covers the rule)",
)
@pytest.mark.django_db(transaction=True)
def test_two_employer_users_hiring_for_the_last_seat_at_the_same_moment_exactly_one_wins(
    tree, people, household_a, household_b, employer, other_employer, frank, posting
):
    world = build_world(tree, people, household_a, household_b, employer, other_employer, frank, posting)
    posting, first, second = _last_seat(world)
    barrier = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def hire(name: str, application: Application, by: User) -> None:
        try:
            barrier.wait()
            services.application_hire(
                application=application, by=by, start_date=timezone.localdate(), monthly_wage=5000
            )
            outcomes[name] = "hired"
        except Conflict:
            outcomes[name] = "refused"
        except Exception as exc:  # surfaced in the assertion below, not lost in the thread
            outcomes[name] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=hire, args=("eve", first, people.eve)),
        threading.Thread(target=hire, args=("erin", second, world.erin)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["hired", "refused"], outcomes
    assert Placement.objects.filter(posting=posting).count() == 1
    assert RetentionCheck.objects.filter(placement__posting=posting).count() == 3
    posting.refresh_from_db()
    assert posting.state == JobPosting.State.FILLED
    states = sorted(Application.objects.filter(posting=posting).values_list("state", flat=True))
    assert states == [Application.State.CLOSED, Application.State.HIRED]
