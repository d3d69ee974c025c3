"""Social assistance: referrals to the civil-affairs office with their outcome, temporary relief paid
by the union, and the 应保尽保 worklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.errors import Conflict
from households.models import Household, Member, PlanGoal
from relief import services
from relief.assistance import selectors
from relief.assistance.models import Referral
from relief.assistance.services import referral_record_outcome
from relief.models import Application, Benefit
from tests.funds.conftest import yuan
from tests.relief.conftest import ReliefWorld, approve_all, paid, plan_goal

pytestmark = pytest.mark.django_db


def _unable_household(relief: ReliefWorld) -> None:
    Household.objects.filter(pk=relief.household.pk).update(income_per_head="300.00")
    Member.objects.filter(pk=relief.wang.pk).update(work_capacity=Member.WorkCapacity.NONE)
    Member.objects.filter(pk=relief.son.pk).update(work_capacity=Member.WorkCapacity.PARTIAL)


def test_a_dibao_referral_granted_meets_the_goal_and_updates_the_archive(relief: ReliefWorld, people: Any) -> None:
    _unable_household(relief)
    goal = plan_goal(relief.household, "assistance")
    application = services.application_create(
        by=people.hana,
        track="assistance",
        member=relief.wang,
        data={"scheme": "dibao", "need": "户主丧失劳动能力，收入低于低保线"},
        consent_note="王强 上门走访时签字同意",
    )
    assert application.amount == 0
    application = services.application_review(application=application, by=people.olga, approve=True)
    application = services.application_review(application=application, by=people.alice, approve=True)
    assert application.state == Application.State.APPROVED and application.cash_request is None
    referral = Referral.objects.get(application=application)
    referral_record_outcome(
        referral=referral,
        by=people.hana,
        outcome="granted",
        on=dt.date.today(),
        note="批准纳入低保",
        monthly_amount=yuan(600),
    )
    application.refresh_from_db()
    assert application.state == Application.State.GIVEN
    assert Benefit.objects.get(application=application).kind == Benefit.Kind.NONE
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET
    relief.household.refresh_from_db()
    assert relief.household.dibao_status == Household.DibaoStatus.RECEIVING


def test_a_referral_refused_by_the_office_closes_the_application_with_its_reason(
    relief: ReliefWorld, people: Any
) -> None:
    application = services.application_create(
        by=people.wang, track="assistance", member=relief.wang, data={"scheme": "housing", "need": "房屋漏雨"}
    )
    application = approve_all(application, people)
    referral = Referral.objects.get(application=application)
    referral_record_outcome(
        referral=referral, by=people.hana, outcome="refused", on=dt.date.today(), note="不符合住房救助条件"
    )
    application.refresh_from_db()
    assert application.state == Application.State.REFUSED and "不符合" in application.refusal_reason
    with pytest.raises(Conflict):
        referral_record_outcome(referral=referral, by=people.hana, outcome="granted", on=dt.date.today(), note="x")


def test_temporary_relief_is_paid_by_the_union_within_the_yearly_cap(relief: ReliefWorld, people: Any) -> None:
    application = services.application_create(
        by=people.wang,
        track="assistance",
        member=relief.wang,
        data={"scheme": "temporary", "need": "火灾", "amount": "2000"},
    )
    benefit = paid(application, people)
    assert benefit.amount == yuan(2_000)
    with pytest.raises(Conflict) as over:
        services.application_create(
            by=people.wang,
            track="assistance",
            member=relief.wang,
            data={"scheme": "temporary", "need": "再次", "amount": "1500"},
        )
    assert over.value.code == "over_cap"


def test_a_dibao_referral_for_a_household_already_receiving_is_refused(relief: ReliefWorld, people: Any) -> None:
    Household.objects.filter(pk=relief.household.pk).update(dibao_status=Household.DibaoStatus.RECEIVING)
    with pytest.raises(Conflict):
        services.application_create(
            by=people.wang, track="assistance", member=relief.wang, data={"scheme": "dibao", "need": "x"}
        )
    assert not Application.objects.exists()


def test_the_dibao_gap_lists_eligible_households_not_receiving(relief: ReliefWorld, people: Any) -> None:
    assert not selectors.dibao_gap_for(people.hana).exists()  # ¥650 a head is below ¥800, but Wang can work
    _unable_household(relief)
    assert list(selectors.dibao_gap_for(people.hana)) == [relief.wang]
    assert not selectors.dibao_gap_for(people.bob).exists()
    Household.objects.filter(pk=relief.household.pk).update(dibao_status=Household.DibaoStatus.RECEIVING)
    assert not selectors.dibao_gap_for(people.hana).exists()
