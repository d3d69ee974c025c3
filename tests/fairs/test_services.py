"""The rules of the job fairs: booths, registration, the schedule, check-in and outcomes.

Each bad input named in issue 7 has its own test: a clear error, and nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from core import qrcodes
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from fairs import services
from fairs.models import Attendee, Booth, CheckIn, Interview, ScheduleRun
from jobs.models import Application, Placement
from tests.fairs.conftest import FairWorld, make_fair, on_the_day, register, today

pytestmark = pytest.mark.django_db


# --- booths --------------------------------------------------------------------------------------------


def test_an_organizer_approves_a_booth_with_a_code_from_the_map(world: FairWorld, people: Any) -> None:
    booth = services.booth_decide(booth=world.pending, by=people.alice, approve=True, code="A02")
    assert booth.status == Booth.Status.APPROVED and booth.code == "A02"


def test_assigning_a_booth_twice_is_refused_and_nothing_changes(world: FairWorld, people: Any) -> None:
    with pytest.raises(Conflict, match="Booth A01 is already given to 鄂托克旗利民煤业有限公司"):
        services.booth_decide(booth=world.pending, by=people.alice, approve=True, code="A01")
    world.pending.refresh_from_db()
    assert world.pending.status == Booth.Status.PENDING and world.pending.code is None
    assert Booth.objects.filter(fair=world.fair, code="A01").count() == 1


def test_the_database_refuses_a_second_booth_with_the_same_code(world: FairWorld) -> None:
    world.pending.code = "A01"
    with pytest.raises(IntegrityError), transaction.atomic():
        world.pending.save()


def test_a_code_not_on_the_booth_map_is_refused(world: FairWorld, people: Any) -> None:
    with pytest.raises(InvalidInput, match="no booth “Z99”"):
        services.booth_decide(booth=world.pending, by=people.alice, approve=True, code="Z99")


def test_an_organizer_of_a_sibling_unit_cannot_approve_booths(world: FairWorld, people: Any) -> None:
    with pytest.raises((NotFound, Forbidden)):
        services.booth_decide(booth=world.pending, by=people.bob, approve=True, code="A02")
    world.pending.refresh_from_db()
    assert world.pending.status == Booth.Status.PENDING


def test_an_employer_applies_once_with_its_own_open_postings(world: FairWorld, people: Any) -> None:
    fair = make_fair(world.fair.org_unit, name="跨区域招聘会", kind="cross_regional")
    booth = services.booth_apply(fair=fair, by=people.eve, postings=[world.posting], slot_count=6)
    assert booth.status == Booth.Status.PENDING and list(booth.postings.all()) == [world.posting]
    with pytest.raises(Conflict, match="already applied"):
        services.booth_apply(fair=fair, by=people.eve, postings=[world.posting])
    with pytest.raises(NotFound):
        services.booth_apply(fair=fair, by=world.frank, postings=[world.posting])
    assert Booth.objects.filter(fair=fair).count() == 1


# --- registration --------------------------------------------------------------------------------------


def test_a_worker_registers_and_a_recent_graduate_gets_priority_at_a_graduate_fair(
    world: FairWorld, people: Any
) -> None:
    attendee = services.attendee_register(fair=world.fair, member=world.wang, by=people.wang)
    assert attendee.via == Attendee.Via.SELF and attendee.priority is True
    other = services.attendee_register(fair=world.fair, member=world.li, by=people.hana)
    assert other.via == Attendee.Via.HELPER and other.priority is False  # no graduation year


def test_registering_after_the_window_is_refused_and_nothing_is_written(world: FairWorld, people: Any) -> None:
    world.fair.registration_closes = today() - dt.timedelta(days=1)
    world.fair.save()
    with pytest.raises(InvalidInput, match="Registration for this fair closed on"):
        services.attendee_register(fair=world.fair, member=world.wang, by=people.wang)
    assert not Attendee.objects.exists()


def test_registering_twice_is_refused(world: FairWorld, people: Any) -> None:
    services.attendee_register(fair=world.fair, member=world.wang, by=people.wang)
    with pytest.raises(Conflict, match="already registered"):
        services.attendee_register(fair=world.fair, member=world.wang, by=people.hana)
    assert Attendee.objects.count() == 1


def test_a_full_fair_refuses_one_more(world: FairWorld, people: Any) -> None:
    world.fair.capacity = 1
    world.fair.save()
    services.attendee_register(fair=world.fair, member=world.li, by=people.hana)
    with pytest.raises(Conflict, match="full"):
        services.attendee_register(fair=world.fair, member=world.wang, by=people.wang)
    assert Attendee.objects.count() == 1


def test_a_worker_cannot_register_someone_else(world: FairWorld, people: Any) -> None:
    with pytest.raises(NotFound):
        services.attendee_register(fair=world.fair, member=world.li, by=people.wang)
    assert not Attendee.objects.exists()


def test_walk_ins_register_on_the_day_only(world: FairWorld, people: Any) -> None:
    with pytest.raises(InvalidInput, match="days of the fair"):
        services.attendee_register(fair=world.fair, member=world.li, by=people.hana, walk_in=True)
    world.fair.starts_on = today()
    world.fair.save()
    attendee = services.attendee_register(fair=world.fair, member=world.li, by=people.hana, walk_in=True)
    assert attendee.via == Attendee.Via.WALK_IN


# --- the schedule --------------------------------------------------------------------------------------


def test_a_schedule_request_for_a_fair_with_no_approved_booths_is_refused(world: FairWorld, people: Any) -> None:
    fair = make_fair(world.fair.org_unit, name="无展位招聘会")
    register(fair, world.wang)
    with pytest.raises(Conflict, match="no approved booths"):
        services.fair_schedule(fair=fair, by=people.alice)
    assert not Interview.objects.filter(fair=fair).exists() and not ScheduleRun.objects.filter(fair=fair).exists()


def test_the_schedule_gives_the_booths_seats_to_the_best_matches_with_graduates_first(
    world: FairWorld, people: Any
) -> None:
    for member in (world.wang, world.li, world.zhao):
        services.attendee_register(fair=world.fair, member=member, by=people.hana)
    run = services.fair_schedule(fair=world.fair, by=people.alice)
    met = {i.attendee.member.name for i in Interview.objects.filter(fair=world.fair).select_related("attendee__member")}
    # Two seats at Eve's booth: Wang (0.6, a recent graduate: priority) beats Zhao (0.7), Li (0.8) is best.
    assert met == {"王强", "李娜"}
    assert run.interviews == 2 and run.objective == pytest.approx(0.6 + 0.5 + 0.8)
    assert run.bound >= run.objective >= run.greedy > 0
    slots = sorted(Interview.objects.filter(fair=world.fair).values_list("slot", flat=True))
    assert slots == [0, 1]


def test_a_cancellation_reoptimises_and_keeps_confirmed_interviews_where_they_are(
    world: FairWorld, people: Any, eager_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    attendees = [
        services.attendee_register(fair=world.fair, member=m, by=people.hana)
        for m in (world.wang, world.li, world.zhao)
    ]
    services.fair_schedule(fair=world.fair, by=people.alice)
    li_interview = Interview.objects.get(attendee=attendees[1])
    services.interview_confirm(interview=li_interview, by=people.hana)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.attendee_cancel(attendee=attendees[0], by=people.hana)
    assert len(callbacks) == 1  # the re-optimisation runs after the cancellation commits, as a task
    live = Interview.objects.filter(fair=world.fair).exclude(state=Interview.State.CANCELLED)
    assert {i.attendee.member.name for i in live} == {"李娜", "赵磊"}
    kept = live.get(attendee=attendees[1])
    assert (kept.pk, kept.slot, kept.state) == (li_interview.pk, li_interview.slot, Interview.State.CONFIRMED)
    assert ScheduleRun.objects.filter(fair=world.fair).first().kept == 1  # type: ignore[union-attr]


def test_added_slots_are_filled_by_reoptimising(
    world: FairWorld, people: Any, eager_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for member in (world.wang, world.li, world.zhao):
        services.attendee_register(fair=world.fair, member=member, by=people.hana)
    services.fair_schedule(fair=world.fair, by=people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.booth_set_slots(booth=world.booth, by=people.eve, slot_count=3)
    assert Interview.objects.filter(fair=world.fair).exclude(state=Interview.State.CANCELLED).count() == 3


def test_two_attendees_cannot_book_one_single_capacity_slot(world: FairWorld, people: Any) -> None:
    a = register(world.fair, world.li)
    b = register(world.fair, world.zhao)
    services.interview_book(booth=world.booth, attendee=a, slot=0, by=people.eve)
    with pytest.raises(Conflict, match="slot is full"):
        services.interview_book(booth=world.booth, attendee=b, slot=0, by=people.eve)
    assert Interview.objects.filter(booth=world.booth, slot=0).count() == 1


def test_the_database_refuses_two_live_interviews_in_one_seat(world: FairWorld) -> None:
    a, b = register(world.fair, world.li), register(world.fair, world.zhao)
    Interview.objects.create(fair=world.fair, booth=world.booth, attendee=a, slot=0, seat=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.create(fair=world.fair, booth=world.booth, attendee=b, slot=0, seat=0)


def test_an_attendee_cannot_be_booked_at_two_booths_at_once(world: FairWorld, people: Any) -> None:
    services.booth_decide(booth=world.pending, by=people.alice, approve=True, code="A02")
    a = register(world.fair, world.li)
    services.interview_book(booth=world.booth, attendee=a, slot=0, by=people.eve)
    with pytest.raises(Conflict, match="another interview at that time"):
        services.interview_book(booth=world.pending, attendee=a, slot=0, by=world.frank)
    assert a.interviews.count() == 1


# --- check-in ------------------------------------------------------------------------------------------


def test_a_signed_qr_code_checks_the_attendee_in(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.wang)
    result = services.checkin_scan(fair=world.fair, by=people.hana, scan_id="s1", code=services.checkin_token(attendee))
    assert result.status == "checked_in" and result.name == "王强"
    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None


def test_a_forged_qr_code_is_refused_and_nothing_is_written(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.wang)
    forged = qrcodes.sign({"f": world.fair.pk, "a": attendee.pk}, salt="not-ours")
    result = services.checkin_scan(fair=world.fair, by=people.hana, scan_id="s1", code=forged)
    assert result.status == "invalid" and "not valid" in result.message
    assert not CheckIn.objects.exists()
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None


def test_a_tampered_qr_code_is_refused_and_nothing_is_written(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.wang)
    token = services.checkin_token(attendee)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    result = services.checkin_scan(fair=world.fair, by=people.hana, scan_id="s1", code=tampered)
    assert result.status == "invalid" and "altered" in result.message
    assert not CheckIn.objects.exists()


def test_a_qr_code_of_another_fair_is_refused(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    other = make_fair(world.fair.org_unit, name="另一场")
    attendee = register(other, world.wang)
    result = services.checkin_scan(fair=world.fair, by=people.hana, scan_id="s1", code=services.checkin_token(attendee))
    assert result.status == "invalid" and "another job fair" in result.message
    assert not CheckIn.objects.exists()


def test_checking_in_twice_is_harmless_and_counted_once(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    attendee = register(world.fair, world.wang)
    token = services.checkin_token(attendee)
    first = services.checkin_scan(fair=world.fair, by=people.hana, scan_id="s1", code=token)
    attendee.refresh_from_db()
    at = attendee.checked_in_at
    resent = services.checkin_scan(fair=world.fair, by=people.hana, scan_id="s1", code=token)
    again = services.checkin_scan(fair=world.fair, by=people.alice, scan_id="s2", code=attendee.code)
    assert (first.status, resent.status, again.status) == ("checked_in", "already_synced", "repeat")
    assert "already checked in" in again.message
    attendee.refresh_from_db()
    assert attendee.checked_in_at == at
    assert CheckIn.objects.count() == 2 and CheckIn.objects.filter(repeat=False).count() == 1
    assert Attendee.objects.filter(fair=world.fair, checked_in_at__isnull=False).count() == 1


def test_a_batch_of_queued_scans_is_answered_one_by_one(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    a, b = register(world.fair, world.wang), register(world.fair, world.li)
    results = services.checkin_sync(
        fair=world.fair,
        by=people.hana,
        scans=[
            {"id": "p1", "code": services.checkin_token(a), "at": "2026-01-01T09:00:00+08:00"},
            {"id": "p2", "code": b.code.lower()},
            {"id": "p3", "code": "NOPE2345"},
            {"id": "p1", "code": services.checkin_token(a)},
        ],
    )
    assert [r.status for r in results] == ["checked_in", "checked_in", "invalid", "already_synced"]


def test_a_worker_cannot_check_people_in(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.wang)
    with pytest.raises(Forbidden):
        services.checkin_scan(fair=world.fair, by=people.wang, scan_id="s1", code=attendee.code)
    assert not CheckIn.objects.exists()


# --- outcomes ------------------------------------------------------------------------------------------


def _scheduled(world: FairWorld, member: Any) -> Interview:
    attendee = register(world.fair, member)
    return Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=0, score=0.8)


def test_an_offer_at_the_booth_becomes_an_offered_application(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    interview = _scheduled(world, world.li)
    services.interview_record_outcome(interview=interview, by=people.eve, outcome="offer")
    application = Application.objects.get(posting=world.posting, member=world.li)
    assert application.state == Application.State.OFFERED and application.via == Application.Via.FAIR
    assert [e.to_state for e in application.events.all()] == ["applied", "interview", "offered"]
    interview.refresh_from_db()
    assert interview.outcome == "offer" and interview.application == application


def test_a_hire_at_the_booth_becomes_a_placement(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    interview = _scheduled(world, world.li)
    services.interview_record_outcome(interview=interview, by=people.eve, outcome="interviewed")
    services.interview_record_outcome(
        interview=interview, by=people.eve, outcome="hired", start_date=today(), monthly_wage=5200
    )
    placement = Placement.objects.get(member=world.li)
    assert placement.employer == world.eve_co and placement.monthly_wage == 5200
    assert Application.objects.get(member=world.li).state == Application.State.HIRED


def test_an_employer_recording_an_outcome_for_someone_they_did_not_meet_is_refused(
    world: FairWorld, people: Any
) -> None:
    on_the_day(world.fair)
    interview = _scheduled(world, world.li)  # at Eve's booth, not Frank's
    with pytest.raises(NotFound, match="did not meet this person"):
        services.interview_record_outcome(interview=interview, by=world.frank, outcome="offer")
    interview.refresh_from_db()
    assert interview.outcome == "" and not Application.objects.exists()


def test_an_outcome_for_a_cancelled_interview_is_refused(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    interview = _scheduled(world, world.li)
    interview.state = Interview.State.CANCELLED
    interview.save()
    with pytest.raises(Conflict, match="did not meet this person"):
        services.interview_record_outcome(interview=interview, by=people.eve, outcome="interviewed")
    assert not Application.objects.exists()


def test_a_hire_without_its_terms_writes_nothing(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    interview = _scheduled(world, world.li)
    with pytest.raises(InvalidInput, match="start date and wage"):
        services.interview_record_outcome(interview=interview, by=people.eve, outcome="hired")
    assert not Application.objects.exists() and not Placement.objects.exists()


# --- more rules ----------------------------------------------------------------------------------------


def test_booth_code_ranges_expand_and_bad_ranges_are_refused() -> None:
    assert services.parse_booth_codes("A01-A03, B9，C10-12") == ["A01", "A02", "A03", "B9", "C10", "C11", "C12"]
    with pytest.raises(InvalidInput, match="not a range of booth codes"):
        services.parse_booth_codes("A05-A01")


def test_slots_holding_a_confirmed_interview_cannot_be_removed(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.li)
    services.interview_book(booth=world.booth, attendee=attendee, slot=1, by=people.eve)
    with pytest.raises(Conflict, match="would be removed"):
        services.booth_set_slots(booth=world.booth, by=people.eve, slot_count=1)
    world.booth.refresh_from_db()
    assert world.booth.slot_count == 2


def test_an_auditor_cannot_schedule_and_nothing_is_written(world: FairWorld, people: Any) -> None:
    register(world.fair, world.li)
    with pytest.raises(Forbidden):
        services.fair_schedule(fair=world.fair, by=people.aude)
    assert not Interview.objects.exists() and not ScheduleRun.objects.exists()


def test_graduates_have_no_priority_at_a_general_fair(world: FairWorld, people: Any) -> None:
    fair = make_fair(world.fair.org_unit, name="综合招聘会", kind="general")
    attendee = services.attendee_register(fair=fair, member=world.wang, by=people.wang)
    assert attendee.priority is False


def test_a_graduate_from_an_exited_household_has_no_priority(world: FairWorld, people: Any) -> None:
    household = world.wang.household
    household.state = "exited"
    household.save()
    attendee = services.attendee_register(fair=world.fair, member=world.wang, by=people.wang)
    assert attendee.priority is False


def test_a_helper_cannot_register_a_walk_in_from_outside_their_reach(
    world: FairWorld, people: Any, household_b: Any
) -> None:
    world.fair.starts_on = today()
    world.fair.save()
    outsider = household_b.members.get()
    with pytest.raises(NotFound):
        services.attendee_register(fair=world.fair, member=outsider, by=people.hana, walk_in=True)
    attendee = services.attendee_register(fair=world.fair, member=outsider, by=people.alice, walk_in=True)
    assert attendee.via == Attendee.Via.WALK_IN


def test_an_outcome_before_the_fair_has_begun_is_refused_and_nothing_is_written(world: FairWorld, people: Any) -> None:
    interview = _scheduled(world, world.li)  # the fair is a week away: nobody has met yet
    with pytest.raises(Conflict):
        services.interview_record_outcome(
            interview=interview, by=people.eve, outcome="hired", start_date=today(), monthly_wage=5000
        )
    interview.refresh_from_db()
    assert interview.outcome == "" and interview.application is None
    assert not Application.objects.filter(member=world.li).exists()
    assert not Placement.objects.exists()


def test_an_outcome_does_not_move_back_and_the_offer_stays_counted(world: FairWorld, people: Any) -> None:
    on_the_day(world.fair)
    interview = _scheduled(world, world.li)
    services.interview_record_outcome(interview=interview, by=people.eve, outcome="offer")
    with pytest.raises(Conflict):
        services.interview_record_outcome(interview=interview, by=people.eve, outcome="interviewed")
    interview.refresh_from_db()
    assert interview.outcome == "offer"
    assert Application.objects.get(member=world.li, posting=world.posting).state == Application.State.OFFERED


def test_a_scan_before_the_fair_has_begun_checks_no_one_in(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.wang)  # the fair is a week away
    result = services.checkin_scan(
        fair=world.fair, by=people.hana, scan_id="early-1", code=services.checkin_token(attendee)
    )
    assert result.status == "invalid" and "not begun" in result.message
    assert not CheckIn.objects.exists()
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None


def test_rescheduling_never_gives_away_the_seat_of_a_confirmed_interview(world: FairWorld, people: Any) -> None:
    # Li's confirmed interview holds the first slot of Eve's booth; Wang's confirmed interview at
    # Frank's booth (B01) holds his time in the second. Wang fits Eve's booth only in Li's seat.
    frank = world.pending
    frank.status, frank.code = Booth.Status.APPROVED, "B01"
    frank.save()
    li, wang = register(world.fair, world.li), register(world.fair, world.wang)
    kept_li = Interview.objects.create(
        fair=world.fair, booth=world.booth, attendee=li, slot=0, state=Interview.State.CONFIRMED
    )
    Interview.objects.create(fair=world.fair, booth=frank, attendee=wang, slot=1, state=Interview.State.CONFIRMED)
    services.fair_schedule(fair=world.fair, by=people.alice)  # no IntegrityError on the seat
    live = Interview.objects.filter(fair=world.fair).exclude(state=Interview.State.CANCELLED)
    assert live.get(pk=kept_li.pk).slot == 0
    assert not live.filter(booth=world.booth, slot=0).exclude(pk=kept_li.pk).exists()
