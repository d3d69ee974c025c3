"""Enrolment, the waiting list and cancelling: seats are never exceeded, a cancellation frees exactly
one seat and promotes the first person waiting; every refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from core.errors import Conflict, DomainError, InvalidInput, NotFound
from households.models import Household, Member, TargetGroup
from tests.factories import HouseholdFactory, MemberFactory, fresh_id_number
from tests.training.conftest import TrainingWorld, make_cohort, make_course
from training import services
from training.models import Enrolment


def _counts(cohort: Any) -> dict[str, int]:
    return {state: Enrolment.objects.filter(cohort=cohort, state=state).count() for state in Enrolment.State.values}


def test_a_worker_enrols_themselves_and_gets_a_seat(world: TrainingWorld, wang: Member, people: Any) -> None:
    enrolment = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    assert enrolment.state == Enrolment.State.ENROLLED and enrolment.seat == 1
    assert enrolment.via == Enrolment.Via.SELF


def test_a_worker_cannot_enrol_someone_else(world: TrainingWorld, station_members: list[Member], people: Any) -> None:
    with pytest.raises(NotFound):
        services.enrolment_create(cohort=world.cohort, member=station_members[0], by=people.wang)
    assert not Enrolment.objects.exists()


def test_a_helper_cannot_enrol_someone_outside_their_reach(
    world: TrainingWorld, household_b: Household, people: Any
) -> None:
    with pytest.raises(NotFound):
        services.enrolment_create(cohort=world.cohort, member=household_b.members.get(), by=people.hana)
    assert not Enrolment.objects.exists()


def test_enrolling_in_a_full_cohort_goes_to_the_waiting_list_never_over_the_seats(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    enrolments = [services.enrolment_create(cohort=world.cohort, member=m, by=people.hana) for m in station_members[:5]]
    assert [e.state for e in enrolments] == ["enrolled"] * 3 + ["waiting"] * 2
    assert sorted(e.seat for e in enrolments if e.seat) == [1, 2, 3]
    assert _counts(world.cohort)["enrolled"] == world.cohort.seats


def test_a_helper_enrols_a_list_at_once_in_order(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    enrolments = services.enrolment_create_many(cohort=world.cohort, members=station_members[:4], by=people.hana)
    assert [e.member_id for e in enrolments] == [m.pk for m in station_members[:4]]
    assert [e.state for e in enrolments] == ["enrolled", "enrolled", "enrolled", "waiting"]
    assert {e.via for e in enrolments} == {Enrolment.Via.HELPER}


def test_a_list_with_one_ineligible_person_is_refused_whole_naming_them(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    station_members[2].work_capacity = Member.WorkCapacity.NONE
    station_members[2].save()
    with pytest.raises(InvalidInput, match=station_members[2].name):
        services.enrolment_create_many(cohort=world.cohort, members=station_members[:4], by=people.hana)
    assert not Enrolment.objects.exists()


def test_enrolling_after_the_deadline_is_refused(world: TrainingWorld, wang: Member, people: Any) -> None:
    cohort = make_cohort(world.course, name="已截止", days_to_deadline=-1)
    with pytest.raises(InvalidInput, match="closed on") as caught:
        services.enrolment_create(cohort=cohort, member=wang, by=people.wang)
    assert caught.value.code == "deadline"
    assert not Enrolment.objects.exists()


def test_enrolling_on_the_deadline_day_is_still_allowed(world: TrainingWorld, wang: Member, people: Any) -> None:
    cohort = make_cohort(world.course, name="今天截止", days_to_deadline=0)
    assert services.enrolment_create(cohort=cohort, member=wang, by=people.wang).state == "enrolled"


def test_enrolling_twice_in_one_cohort_is_refused(world: TrainingWorld, wang: Member, people: Any) -> None:
    services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    with pytest.raises(Conflict, match="already enrolled"):
        services.enrolment_create(cohort=world.cohort, member=wang, by=people.hana)
    assert Enrolment.objects.count() == 1


# --- eligibility: the reason is named -------------------------------------------------------------------


def test_an_ineligible_person_is_refused_with_the_reason_age(world: TrainingWorld, tree: Any, people: Any) -> None:
    old = MemberFactory(
        household=HouseholdFactory(org_unit=tree.station_a), id_number=fresh_id_number(birth=dt.date(1950, 1, 1))
    )
    with pytest.raises(InvalidInput, match=r"ages 16 to 60") as caught:
        services.enrolment_create(cohort=world.cohort, member=old, by=people.hana)
    assert caught.value.code == "ineligible"
    assert not Enrolment.objects.exists()


def test_an_ineligible_person_is_refused_with_the_reason_work_capacity(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    world.course.partial_capacity_ok = False
    world.course.save()
    member = station_members[0]
    member.work_capacity = Member.WorkCapacity.PARTIAL
    member.save()
    with pytest.raises(InvalidInput, match="needs full work capacity"):
        services.enrolment_create(cohort=world.cohort, member=member, by=people.hana)
    member.work_capacity = Member.WorkCapacity.NONE
    member.save()
    with pytest.raises(InvalidInput, match="unable to work"):
        services.enrolment_create(cohort=world.cohort, member=member, by=people.hana)
    assert not Enrolment.objects.exists()


def test_an_ineligible_person_is_refused_with_the_reason_target_group(
    world: TrainingWorld, wang: Member, people: Any
) -> None:
    course = make_course(world.course.org_unit, [world.forklift], title="下岗职工再就业培训")
    course.target_groups.set([TargetGroup.objects.get(code=TargetGroup.RESTRUCTURING)])
    cohort = make_cohort(course)
    with pytest.raises(InvalidInput, match="target groups"):
        services.enrolment_create(cohort=cohort, member=wang, by=people.wang)
    assert not Enrolment.objects.exists()
    wang.household.target_groups.add(TargetGroup.objects.get(code=TargetGroup.RESTRUCTURING))
    assert services.enrolment_create(cohort=cohort, member=wang, by=people.wang).state == "enrolled"


def test_a_member_of_a_closed_archive_is_refused(world: TrainingWorld, wang: Member, people: Any) -> None:
    Household.objects.filter(pk=wang.household_id).update(state=Household.State.CLOSED)
    wang.refresh_from_db()
    with pytest.raises(InvalidInput, match="not a current member"):
        services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    assert not Enrolment.objects.exists()


# --- cancelling -----------------------------------------------------------------------------------------


def test_cancelling_frees_exactly_one_seat_for_the_first_person_waiting(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    enrolments = services.enrolment_create_many(cohort=world.cohort, members=station_members[:5], by=people.hana)
    cancelled, promoted = services.enrolment_cancel(enrolment=enrolments[1], by=people.hana, reason="家里有事")
    assert cancelled.state == "cancelled" and cancelled.seat is None
    assert promoted is not None and promoted.pk == enrolments[3].pk  # the first waiting, not the second
    assert promoted.seat == 2  # the freed seat
    assert _counts(world.cohort) == {"enrolled": 3, "waiting": 1, "cancelled": 1, "completed": 0}


def test_cancelling_a_place_on_the_waiting_list_promotes_nobody(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    enrolments = services.enrolment_create_many(cohort=world.cohort, members=station_members[:5], by=people.hana)
    _cancelled, promoted = services.enrolment_cancel(enrolment=enrolments[4], by=people.hana)
    assert promoted is None
    assert _counts(world.cohort) == {"enrolled": 3, "waiting": 1, "cancelled": 1, "completed": 0}


def test_cancelling_twice_is_refused(world: TrainingWorld, station_members: list[Member], people: Any) -> None:
    enrolments = services.enrolment_create_many(cohort=world.cohort, members=station_members[:5], by=people.hana)
    services.enrolment_cancel(enrolment=enrolments[0], by=people.hana)
    before = _counts(world.cohort)
    with pytest.raises(Conflict, match="cancelled already") as caught:
        services.enrolment_cancel(enrolment=enrolments[0], by=people.hana)
    assert caught.value.code == "cancelled"
    assert _counts(world.cohort) == before  # the second cancellation promoted nobody else


def test_a_worker_cancels_their_own_enrolment_and_may_enrol_again(
    world: TrainingWorld, wang: Member, people: Any
) -> None:
    first = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    services.enrolment_cancel(enrolment=first, by=people.wang)
    again = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    assert again.state == "enrolled" and again.pk != first.pk


# --- the race on PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite lets one writer in at a time, so no two enrolments ever run at once",
)
def test_fifty_simultaneous_enrolments_for_ten_seats_leave_ten_enrolled_and_forty_waiting(
    tree: Any, people: Any
) -> None:
    from skills.models import Skill

    course = make_course(tree.county, [Skill.objects.get(code="logistics.forklift")])
    cohort = make_cohort(course, seats=10)
    members = [MemberFactory(household=HouseholdFactory(org_unit=tree.station_a)) for _ in range(50)]
    barrier = threading.Barrier(50, timeout=30)
    outcomes: dict[int, str] = {}

    def enrol(n: int, member: Member) -> None:
        try:
            barrier.wait()
            outcomes[n] = services.enrolment_create(cohort=cohort, member=member, by=people.hana).state
        except DomainError as exc:
            outcomes[n] = f"refused: {exc.message}"
        except Exception as exc:  # surfaced in the assertion below, not lost in the thread
            outcomes[n] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(n, m)) for n, m in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert sorted(outcomes.values()) == ["enrolled"] * 10 + ["waiting"] * 40, outcomes
    assert _counts(cohort) == {"enrolled": 10, "waiting": 40, "cancelled": 0, "completed": 0}
    seats = sorted(Enrolment.objects.filter(cohort=cohort, state="enrolled").values_list("seat", flat=True))
    assert seats == list(range(1, 11))


def test_the_database_refuses_a_second_person_on_one_seat(world: TrainingWorld, station_members: list[Member]) -> None:
    from django.db import IntegrityError, transaction

    Enrolment.objects.create(cohort=world.cohort, member=station_members[0], state="enrolled", seat=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(cohort=world.cohort, member=station_members[1], state="enrolled", seat=1)
