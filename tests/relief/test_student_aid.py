"""金秋助学 end to end: a worker applies for his son from the archive, the helper and the organizer
decide, another organizer approves the payment, it is paid once, and the plan's goal is met."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import Conflict, Forbidden, InvalidInput
from funds.models import LedgerTransaction, PaymentRequest
from households.models import Member, PlanGoal
from relief import services
from relief.models import Application, Benefit, Decision
from relief.student_aid.models import Award, Student
from tests.funds.conftest import key, yuan
from tests.relief.conftest import ReliefWorld, apply_student_aid, approve_all, paid, plan_goal

pytestmark = pytest.mark.django_db


def test_a_worker_applies_for_his_son_and_the_award_is_paid_and_meets_the_goal(
    relief: ReliefWorld, people: Any
) -> None:
    goal = plan_goal(relief.household, "student_aid", member=relief.son)
    application = apply_student_aid(relief, people)
    assert application.state == Application.State.HELPER_REVIEW
    assert application.channel == Application.Channel.ONLINE
    assert application.amount == yuan(4_000 + 600)  # bachelor, studying away from home
    assert Student.objects.get(member=relief.son).enrolment_proof
    benefit = paid(application, people)
    application.refresh_from_db()
    assert application.state == Application.State.GIVEN
    assert benefit.amount == yuan(4_600) and benefit.cash_transaction is not None
    assert benefit.cash_transaction.payee == relief.son and benefit.cash_transaction.purpose.code == "student_aid"
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET and benefit.goal == goal
    assert "金秋助学" in goal.evidence
    assert [d.step for d in application.decisions.all()] == [Decision.Step.HELPER, Decision.Step.ORGANIZER]


def test_a_second_award_to_one_student_in_one_school_year_is_refused(relief: ReliefWorld, people: Any) -> None:
    apply_student_aid(relief, people)
    with pytest.raises(Conflict) as refused:
        apply_student_aid(relief, people, school="另一所学校")
    assert "one award per student per school year" in refused.value.message
    assert Application.objects.count() == 1 and Award.objects.count() == 1


def test_the_database_holds_one_award_per_student_and_school_year(relief: ReliefWorld, people: Any) -> None:
    from django.db import IntegrityError, transaction

    application = apply_student_aid(relief, people)
    award = Award.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            application=Application.objects.create(
                track="student_aid",
                member=relief.son,
                household=relief.household,
                org_unit=relief.household.org_unit,
                period=application.period,
                summary="dup",
                channel="online",
                created_by=people.wang,
            ),
            member=relief.son,
            school_year=award.school_year,
            school="x",
            level="bachelor",
            living=1,
            created_by=people.wang,
        )


def test_a_refused_award_lets_the_student_apply_again(relief: ReliefWorld, people: Any) -> None:
    first = apply_student_aid(relief, people)
    services.application_review(application=first, by=people.hana, approve=False, note="录取通知书看不清，请重新上传")
    first.refresh_from_db()
    assert first.state == Application.State.REFUSED and first.refusal_reason.startswith("录取通知书")
    assert Award.objects.get(application=first).is_void
    second = apply_student_aid(relief, people)
    assert second.state == Application.State.HELPER_REVIEW


def test_a_member_who_is_not_a_student_is_refused_with_the_reason(relief: ReliefWorld, people: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from tests.factories import MemberFactory, fresh_id_number
    from tests.relief.conftest import student_aid_data

    today = timezone.localdate()
    daughter = MemberFactory(
        household=relief.household,
        relation=Member.Relation.CHILD,
        id_number=fresh_id_number(birth=dt.date(today.year - 21, 5, 1), male=False),
        employment_status=Member.EmploymentStatus.UNEMPLOYED,
    )
    for member, reason in ((daughter, "not recorded as a student"), (relief.wang, "aged 14 to 29")):
        with pytest.raises(InvalidInput) as refused:
            services.application_create(by=people.wang, track="student_aid", member=member, data=student_aid_data())
        assert refused.value.code == "ineligible" and reason in refused.value.message
    assert not Application.objects.exists() and not Award.objects.exists()


def test_the_enrolment_proof_is_required_the_first_time(relief: ReliefWorld, people: Any) -> None:
    from tests.relief.conftest import student_aid_data

    with pytest.raises(InvalidInput) as refused:
        services.application_create(by=people.wang, track="student_aid", member=relief.son, data=student_aid_data())
    assert refused.value.field == "enrolment_proof"
    assert not Application.objects.exists() and not Student.objects.exists()


def test_staff_applying_for_a_worker_must_record_consent(relief: ReliefWorld, people: Any) -> None:
    from tests.relief.conftest import proof, student_aid_data

    with pytest.raises(InvalidInput) as refused:
        services.application_create(
            by=people.hana,
            track="student_aid",
            member=relief.son,
            data=student_aid_data(),
            files={"enrolment_proof": proof()},
        )
    assert refused.value.field == "consent_note"
    application = services.application_create(
        by=people.hana,
        track="student_aid",
        member=relief.son,
        data=student_aid_data(),
        files={"enrolment_proof": proof()},
        consent_note="王强 2026-09-01 电话同意",
    )
    assert application.channel == Application.Channel.STAFF
    # Hana made it: she may not decide its first step; another helper or organizer in reach does.
    with pytest.raises(Forbidden):
        services.application_review(application=application, by=people.hana, approve=True)
    assert not Decision.objects.exists()


def test_the_helper_never_approves_alone_and_nobody_decides_two_steps(relief: ReliefWorld, people: Any) -> None:
    application = apply_student_aid(relief, people)
    application = services.application_review(application=application, by=people.hana, approve=True)
    assert application.state == Application.State.ORGANIZER_REVIEW
    with pytest.raises(Conflict):
        services.application_review(application=application, by=people.hana, approve=True)
    assert application.decisions.count() == 1


def test_approving_ones_own_payment_request_is_refused(relief: ReliefWorld, people: Any) -> None:
    application = approve_all(apply_student_aid(relief, people), people)
    request = application.cash_request
    assert request is not None and request.requested_by == people.olga  # the last approver asks
    with pytest.raises(Forbidden) as refused:
        services.application_payment_approve(application=application, by=people.olga)
    assert "your own payment request" in refused.value.message
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.REQUESTED and request.decided_by is None


def test_paying_twice_with_one_key_pays_once(relief: ReliefWorld, people: Any) -> None:
    application = approve_all(apply_student_aid(relief, people), people)
    services.application_payment_approve(application=application, by=people.alice)
    the_key = key("pay")
    first = services.application_pay(application=application, by=people.olga, idempotency_key=the_key)
    again = services.application_pay(application=application, by=people.olga, idempotency_key=the_key)
    assert again.pk == first.pk
    assert LedgerTransaction.objects.filter(purpose__code="student_aid").count() == 1
    assert Benefit.objects.count() == 1
    with pytest.raises(Conflict):
        services.application_pay(application=application, by=people.olga, idempotency_key=key("other"))
    assert LedgerTransaction.objects.filter(purpose__code="student_aid").count() == 1


def test_an_unpaid_payment_cannot_be_paid_before_the_checker(relief: ReliefWorld, people: Any) -> None:
    application = approve_all(apply_student_aid(relief, people), people)
    with pytest.raises(Conflict):
        services.application_pay(application=application, by=people.olga, idempotency_key=key("pay"))
    assert not Benefit.objects.exists() and not LedgerTransaction.objects.filter(purpose__code="student_aid").exists()


def test_renewal_is_prefilled_from_last_year(relief: ReliefWorld, people: Any) -> None:
    from relief.student_aid.relief import renewal_initial

    apply_student_aid(relief, people)
    initial = renewal_initial(relief.son)
    assert initial["school"] == "内蒙古师范大学" and initial["level"] == "bachelor"
    assert initial["national_aid"] == ["grant"]


def test_students_not_yet_applied_are_listed_until_they_apply(relief: ReliefWorld, people: Any) -> None:
    from relief import selectors
    from relief.student_aid.relief import TRACK

    assert relief.son in selectors.worklist_for(people.hana, TRACK)
    apply_student_aid(relief, people)
    assert relief.son not in selectors.worklist_for(people.hana, TRACK)
    assert not selectors.worklist_for(people.bob, TRACK).exists()  # town B sees none of town A's


def test_the_upper_unit_reviews_above_the_threshold(relief: ReliefWorld, people: Any) -> None:
    from relief.student_aid.models import SupportRate

    SupportRate.objects.filter(level="postgraduate").update(living=yuan(6_000))
    application = apply_student_aid(relief, people, level="postgraduate", studies_away="")
    application = services.application_review(application=application, by=people.hana, approve=True)
    application = services.application_review(application=application, by=people.olga, approve=True)
    assert application.state == Application.State.UPPER_REVIEW
    from core.errors import NotFound

    with pytest.raises(NotFound):  # beside town A, not above it: the application is out of reach
        services.application_review(application=application, by=people.bob, approve=True)
    application = services.application_review(application=application, by=people.alice, approve=True)
    assert application.state == Application.State.APPROVED


def test_member_of_another_household_cannot_be_applied_for_by_a_worker(
    relief: ReliefWorld, people: Any, household_b: Any
) -> None:
    from core.errors import NotFound

    other = household_b.members.first()
    with pytest.raises(NotFound):
        services.application_create(by=people.wang, track="student_aid", member=other, data={})
    assert not Application.objects.exists()
    assert Member.objects.filter(pk=other.pk).exists()
