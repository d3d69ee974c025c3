"""Attendance (roster and QR), completion with the assessment, and certificates that make a skill
certified on the profile and refresh the member's matches."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from core import qrcodes
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households.models import Member, MemberSkill
from tests.training.conftest import TrainingWorld, make_cohort
from training import services
from training.models import Attendance, Certificate, Completion, Enrolment


@pytest.fixture
def seated(world: TrainingWorld, wang: Member, people: Any) -> Enrolment:
    return services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)


def _started(world: TrainingWorld) -> None:
    """Move the cohort into the past so that completion dates are possible."""
    today = timezone.localdate()
    world.cohort.starts_on = today - dt.timedelta(days=10)
    world.cohort.ends_on = today - dt.timedelta(days=1)
    world.cohort.enrolment_deadline = today - dt.timedelta(days=12)
    world.cohort.save()


# --- attendance -----------------------------------------------------------------------------------------


def test_the_roster_marks_a_trainee_present_once(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    first, created = services.attendance_record(session=world.sessions[0], enrolment=seated, by=people.hana)
    again, created_again = services.attendance_record(session=world.sessions[0], enrolment=seated, by=people.alice)
    assert created and not created_again and first.pk == again.pk
    assert Attendance.objects.count() == 1


def test_attendance_for_someone_not_enrolled_is_refused(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    enrolments = services.enrolment_create_many(cohort=world.cohort, members=station_members[:4], by=people.hana)
    waiting = enrolments[3]
    assert waiting.state == "waiting"
    with pytest.raises(InvalidInput, match="not enrolled in this cohort") as caught:
        services.attendance_record(session=world.sessions[0], enrolment=waiting, by=people.hana)
    assert caught.value.code == "not_enrolled"
    cancelled, _promoted = services.enrolment_cancel(enrolment=enrolments[0], by=people.hana)
    with pytest.raises(InvalidInput, match="not enrolled"):
        services.attendance_record(session=world.sessions[0], enrolment=cancelled, by=people.hana)
    assert not Attendance.objects.exists()


def test_attendance_in_another_cohorts_session_is_refused(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    other = make_cohort(world.course, name="第2期")
    from training.models import Session

    session = Session.objects.create(cohort=other, starts_at=timezone.now())
    with pytest.raises(InvalidInput, match="not enrolled"):
        services.attendance_record(session=session, enrolment=seated, by=people.hana)
    assert not Attendance.objects.exists()


def test_a_scanned_code_records_attendance_once(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    token = services.attendance_token(seated)
    mark, created = services.attendance_scan(session=world.sessions[1], token=token, by=people.hana)
    assert created and mark.method == Attendance.Method.QR and mark.enrolment_id == seated.pk
    _mark, created_again = services.attendance_scan(session=world.sessions[1], token=token, by=people.hana)
    assert not created_again and Attendance.objects.count() == 1


def test_a_forged_or_altered_code_is_refused(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    token = services.attendance_token(seated)
    for bad in (token[:-2] + "xx", "not-a-code", ""):
        with pytest.raises(InvalidInput, match="not a trainee's attendance code"):
            services.attendance_scan(session=world.sessions[0], token=bad, by=people.hana)
    other_salt = qrcodes.sign({"e": seated.pk}, salt="fairs.checkin")
    with pytest.raises(InvalidInput):
        services.attendance_scan(session=world.sessions[0], token=other_salt, by=people.hana)
    assert not Attendance.objects.exists()


def test_workers_and_auditors_cannot_take_attendance(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    for user in (people.wang, people.aude):
        with pytest.raises(Forbidden):
            services.attendance_record(session=world.sessions[0], enrolment=seated, by=user)
    assert not Attendance.objects.exists()


# --- completion -----------------------------------------------------------------------------------------


def test_completion_records_the_assessment(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    _started(world)
    completion = services.completion_record(enrolment=seated, by=people.alice, passed=True, score="86.5")
    seated.refresh_from_db()
    assert seated.state == "completed" and completion.passed and str(completion.score) == "86.5"
    assert seated.seat is not None  # a completed trainee keeps the seat: the cohort stays full


def test_completion_for_someone_waiting_is_refused(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    waiting = services.enrolment_create_many(cohort=world.cohort, members=station_members[:4], by=people.hana)[3]
    _started(world)
    with pytest.raises(InvalidInput, match="does not hold a seat"):
        services.completion_record(enrolment=waiting, by=people.alice, passed=True)
    assert not Completion.objects.exists()


def test_a_score_outside_0_to_100_is_refused(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    _started(world)
    for bad in ("101", "-1", "abc", "NaN"):
        with pytest.raises(InvalidInput, match="from 0 to 100"):
            services.completion_record(enrolment=seated, by=people.alice, passed=True, score=bad)
    assert not Completion.objects.exists()
    seated.refresh_from_db()
    assert seated.state == "enrolled"


def test_helpers_cannot_record_completion(world: TrainingWorld, seated: Enrolment, people: Any) -> None:
    _started(world)
    with pytest.raises(Forbidden):
        services.completion_record(enrolment=seated, by=people.hana, passed=True)
    with pytest.raises(NotFound):
        services.completion_record(enrolment=seated, by=people.bob, passed=True)  # course outside Bob's reach
    assert not Completion.objects.exists()


# --- certificates ---------------------------------------------------------------------------------------


def test_a_certificate_certifies_the_skill_on_the_profile_and_refreshes_matches(
    world: TrainingWorld, seated: Enrolment, wang: Member, people: Any
) -> None:
    _started(world)
    services.completion_record(enrolment=seated, by=people.alice, passed=True, score=90)
    with mock.patch("households.services.enqueue_on_commit") as enqueue:
        certificate = services.certificate_issue(
            enrolment=seated, by=people.alice, number="NM-2026-0001", issuer="鄂尔多斯市人社局"
        )
    entry = MemberSkill.objects.get(member=wang, skill=world.forklift)
    assert entry.certified and entry.certificate_number == "NM-2026-0001"
    assert entry.source == MemberSkill.Source.TRAINING
    assert list(certificate.skills.all()) == [world.forklift]
    enqueue.assert_called_with("matching.refresh_member", wang.pk)


def test_a_certificate_upgrades_a_skill_already_stated(
    world: TrainingWorld, seated: Enrolment, wang: Member, people: Any
) -> None:
    MemberSkill.objects.create(member=wang, skill=world.forklift, phrase="开叉车", source=MemberSkill.Source.SELF)
    _started(world)
    services.completion_record(enrolment=seated, by=people.alice, passed=True)
    services.certificate_issue(enrolment=seated, by=people.alice, number="NM-2026-0002", issuer="人社局")
    entries = MemberSkill.objects.filter(member=wang, skill=world.forklift)
    assert entries.count() == 1 and entries.get().certified and entries.get().phrase == "开叉车"


def test_a_certificate_for_someone_who_did_not_complete_is_refused(
    world: TrainingWorld, seated: Enrolment, wang: Member, people: Any
) -> None:
    with pytest.raises(InvalidInput, match="has not completed") as caught:
        services.certificate_issue(enrolment=seated, by=people.alice, number="NM-1", issuer="人社局")
    assert caught.value.code == "not_completed"
    assert not Certificate.objects.exists()
    assert not MemberSkill.objects.filter(member=wang).exists()


def test_a_certificate_for_someone_who_failed_is_refused(
    world: TrainingWorld, seated: Enrolment, wang: Member, people: Any
) -> None:
    _started(world)
    services.completion_record(enrolment=seated, by=people.alice, passed=False, score=41)
    with pytest.raises(InvalidInput, match="did not pass"):
        services.certificate_issue(enrolment=seated, by=people.alice, number="NM-1", issuer="人社局")
    assert not Certificate.objects.exists()
    assert not MemberSkill.objects.filter(member=wang).exists()


def test_a_duplicate_certificate_number_is_refused(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    first, second = services.enrolment_create_many(cohort=world.cohort, members=station_members[:2], by=people.hana)
    _started(world)
    for e in (first, second):
        services.completion_record(enrolment=e, by=people.alice, passed=True)
    services.certificate_issue(enrolment=first, by=people.alice, number="NM-2026-0007", issuer="人社局")
    with pytest.raises(Conflict, match="taken already") as caught:
        services.certificate_issue(enrolment=second, by=people.alice, number=" NM-2026-0007 ", issuer="人社局")
    assert caught.value.field == "number"
    assert Certificate.objects.count() == 1
    assert not MemberSkill.objects.filter(member=station_members[1]).exists()


def test_a_second_certificate_for_one_completion_is_refused(
    world: TrainingWorld, seated: Enrolment, people: Any
) -> None:
    _started(world)
    services.completion_record(enrolment=seated, by=people.alice, passed=True)
    services.certificate_issue(enrolment=seated, by=people.alice, number="NM-A", issuer="人社局")
    with pytest.raises(Conflict, match="issued for this completion already"):
        services.certificate_issue(enrolment=seated, by=people.alice, number="NM-B", issuer="人社局")
    assert Certificate.objects.count() == 1


def test_a_course_teaching_two_skills_certifies_both_and_refreshes_matches_once(
    world: TrainingWorld, seated: Enrolment, wang: Member, people: Any
) -> None:
    world.course.skills.add(world.welding)
    _started(world)
    services.completion_record(enrolment=seated, by=people.alice, passed=True)
    with mock.patch("households.services.enqueue_on_commit") as enqueue:
        services.certificate_issue(enrolment=seated, by=people.alice, number="NM-TWO", issuer="人社局")
    certified = set(MemberSkill.objects.filter(member=wang, certified=True).values_list("skill__code", flat=True))
    assert certified == {world.forklift.code, world.welding.code}
    assert enqueue.call_count == 1


def test_a_helper_takes_attendance_only_for_people_of_their_reach(
    world: TrainingWorld, seated: Enrolment, household_b: Any, people: Any
) -> None:
    other = services.enrolment_create(cohort=world.cohort, member=household_b.members.get(), by=people.bob)
    services.attendance_record(session=world.sessions[0], enrolment=seated, by=people.hana)  # Wang: Hana's reach
    with pytest.raises(NotFound):
        services.attendance_record(session=world.sessions[0], enrolment=other, by=people.hana)
    with pytest.raises(NotFound):
        services.attendance_scan(session=world.sessions[0], token=services.attendance_token(other), by=people.hana)
    services.attendance_record(session=world.sessions[0], enrolment=other, by=people.alice)  # the running unit
    assert Attendance.objects.count() == 2


def test_a_scan_that_is_not_a_pdf_or_an_image_or_too_large_is_refused_and_nothing_written(
    world: TrainingWorld, seated: Enrolment, wang: Member, people: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    _started(world)
    services.completion_record(enrolment=seated, by=people.alice, passed=True)
    too_big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * services.MAX_SCAN_BYTES, content_type="application/pdf")
    for scan in (SimpleUploadedFile("scan.exe", b"MZ", content_type="application/octet-stream"), too_big):
        with pytest.raises(InvalidInput, match="PDF, JPEG or PNG") as caught:
            services.certificate_issue(enrolment=seated, by=people.alice, number="NM-9", issuer="人社局", scan=scan)
        assert caught.value.field == "scan"
    assert not Certificate.objects.exists()
    assert not MemberSkill.objects.filter(member=wang).exists()
    fine = SimpleUploadedFile("scan.PNG", b"\x89PNG", content_type="image/png")
    certificate = services.certificate_issue(
        enrolment=seated, by=people.alice, number="NM-9", issuer="人社局", scan=fine
    )
    assert certificate.scan.name.endswith(".PNG")
