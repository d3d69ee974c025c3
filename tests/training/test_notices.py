"""Training tells people: a seat given by someone else, a promotion from the waiting list, the
start of the course (once, however often the reminder runs), a certificate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.models import Role
from households.models import Member
from notifications.models import Notification
from notifications.services import reminders_send
from tests.factories import MemberFactory, UserFactory
from tests.training.conftest import TrainingWorld, make_cohort
from training import services
from training.models import Enrolment

pytestmark = pytest.mark.django_db


def told(user: Any, kind: str) -> list[dict[str, Any]]:
    return [n.context for n in Notification.objects.filter(recipient=user, kind=kind).order_by("pk")]


def test_a_worker_enrolled_by_a_helper_hears_of_the_seat(world: TrainingWorld, wang: Member, people: Any) -> None:
    services.enrolment_create(cohort=world.cohort, member=wang, by=people.hana)
    assert [c["how"] for c in told(people.wang, "training.seat")] == ["enrolled"]


def test_enrolling_oneself_sends_no_notification(world: TrainingWorld, wang: Member, people: Any) -> None:
    services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    assert told(people.wang, "training.seat") == []


def test_promotion_from_the_waiting_list_is_told_to_the_person_promoted(
    world: TrainingWorld, wang: Member, people: Any, household_a: Any
) -> None:
    world.cohort.seats = 1
    world.cohort.save()
    first = MemberFactory(household=household_a, relation=Member.Relation.SPOUSE, name="刘芳")
    seat = services.enrolment_create(cohort=world.cohort, member=first, by=people.hana)
    services.enrolment_create(cohort=world.cohort, member=wang, by=people.hana)
    assert [c["how"] for c in told(people.wang, "training.seat")] == ["waiting"]
    services.enrolment_cancel(enrolment=seat, by=people.hana, reason="生病")
    assert [c["how"] for c in told(people.wang, "training.seat")] == ["waiting", "promoted"]


def test_the_start_reminder_is_sent_once_however_often_it_runs(world: TrainingWorld, wang: Member, people: Any) -> None:
    services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    two_days_before = world.cohort.starts_on - dt.timedelta(days=2)
    assert services.start_reminders_send(today=two_days_before - dt.timedelta(days=1)) == 0  # too early
    assert services.start_reminders_send(today=two_days_before) == 1
    assert services.start_reminders_send(today=two_days_before) == 0  # run twice: nothing twice
    reminders_send(today=two_days_before + dt.timedelta(days=1))  # the beat, the next day
    assert len(told(people.wang, "training.starts")) == 1


def test_a_certificate_is_told_to_its_holder(world: TrainingWorld, wang: Member, people: Any) -> None:
    past = make_cohort(world.course, days_to_deadline=-30)  # over: it started three weeks ago
    enrolment = Enrolment.objects.create(cohort=past, member=wang, state=Enrolment.State.ENROLLED, seat=1)
    services.completion_record(enrolment=enrolment, by=people.alice, passed=True, completed_on=past.ends_on)
    services.certificate_issue(enrolment=enrolment, by=people.alice, number="ETK-2026-0001", issuer="鄂托克旗人社局")
    assert told(people.wang, "training.certificate") == [{"course": "叉车司机培训", "number": "ETK-2026-0001"}]


def test_a_member_without_a_login_is_simply_not_told(world: TrainingWorld, people: Any, household_a: Any) -> None:
    son = MemberFactory(household=household_a, relation=Member.Relation.CHILD, name="王小明")
    services.enrolment_create(cohort=world.cohort, member=son, by=people.hana)
    assert not Notification.objects.exists()
    assert UserFactory(role=Role.WORKER).notifications.count() == 0
