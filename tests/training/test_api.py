"""The training API under /api/v1/training/: the catalogue, enrolment (self and a list), cancelling,
attendance by code, completion, certificates, advice and coverage; the errors as answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from households.models import Member, MemberSkill
from tests.training.conftest import TrainingWorld, forklift_postings
from training import services
from training.models import Attendance, Certificate, Enrolment

API = "/api/v1/training"


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_the_catalogue_lists_courses_with_their_skills(world: TrainingWorld, people: Any) -> None:
    answer = api(people.wang).get(f"{API}/courses/")
    assert answer.status_code == 200
    (course,) = answer.json()["results"]
    assert course["skills"] == ["logistics.forklift"] and course["price_for_archived"] == 0


def test_a_worker_enrols_by_api_and_a_full_cohort_puts_the_next_on_the_waiting_list(
    world: TrainingWorld, wang: Member, station_members: list[Member], people: Any
) -> None:
    staff = api(people.hana).post(
        f"{API}/cohorts/{world.cohort.pk}/enrol/", {"members": [m.pk for m in station_members[:3]]}, format="json"
    )
    assert staff.status_code == 201 and [e["state"] for e in staff.json()] == ["enrolled"] * 3
    mine = api(people.wang).post(f"{API}/cohorts/{world.cohort.pk}/enrol/", {}, format="json")
    assert mine.status_code == 201 and mine.json()[0]["state"] == "waiting"


def test_enrolling_after_the_deadline_answers_400_and_writes_nothing(
    world: TrainingWorld, wang: Member, people: Any
) -> None:
    world.cohort.enrolment_deadline = timezone.localdate() - dt.timedelta(days=1)
    world.cohort.save()
    answer = api(people.wang).post(f"{API}/cohorts/{world.cohort.pk}/enrol/", {}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "deadline"
    assert not Enrolment.objects.exists()


def test_cancelling_twice_answers_409(world: TrainingWorld, wang: Member, people: Any) -> None:
    enrolment = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    client = api(people.wang)
    assert client.post(f"{API}/enrolments/{enrolment.pk}/cancel/", {}, format="json").status_code == 200
    again = client.post(f"{API}/enrolments/{enrolment.pk}/cancel/", {}, format="json")
    assert again.status_code == 409 and "cancelled already" in again.json()["detail"]


def test_a_worker_cannot_see_someone_elses_enrolment(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    enrolment = services.enrolment_create(cohort=world.cohort, member=station_members[0], by=people.hana)
    assert api(people.wang).get(f"{API}/enrolments/{enrolment.pk}/").status_code == 404
    assert api(people.wang).post(f"{API}/enrolments/{enrolment.pk}/cancel/", {}, format="json").status_code == 404
    assert Enrolment.objects.get().state == "enrolled"


def test_attendance_completion_and_certificate_by_api(world: TrainingWorld, wang: Member, people: Any) -> None:
    enrolment = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    hana = api(people.hana)
    first = hana.post(f"{API}/enrolments/{enrolment.pk}/attendance/", {"session": world.sessions[0].pk}, format="json")
    again = hana.post(f"{API}/enrolments/{enrolment.pk}/attendance/", {"session": world.sessions[0].pk}, format="json")
    assert (first.status_code, again.status_code) == (201, 200) and Attendance.objects.count() == 1
    world.cohort.starts_on = timezone.localdate() - dt.timedelta(days=3)
    world.cohort.enrolment_deadline = world.cohort.starts_on
    world.cohort.save()
    alice = api(people.alice)
    early = alice.post(f"{API}/enrolments/{enrolment.pk}/certificate/", {"number": "A-1", "issuer": "人社局"})
    assert early.status_code == 400 and early.json()["code"] == "not_completed"
    done = alice.post(f"{API}/enrolments/{enrolment.pk}/completion/", {"passed": True, "score": "75"}, format="json")
    assert done.status_code == 201
    cert = alice.post(f"{API}/enrolments/{enrolment.pk}/certificate/", {"number": "A-1", "issuer": "人社局"})
    assert cert.status_code == 201 and cert.json()["skills"] == ["logistics.forklift"]
    assert MemberSkill.objects.get(member=wang).certified and Certificate.objects.count() == 1
    listed = api(people.wang).get(f"{API}/certificates/").json()["results"]
    assert [c["number"] for c in listed] == ["A-1"]


def test_advice_and_coverage(world: TrainingWorld, wang: Member, tree: Any, people: Any) -> None:
    forklift_postings(tree, people, world.forklift, count=2)
    advice = api(people.wang).get(f"{API}/advice/")
    assert advice.status_code == 200
    (row,) = advice.json()
    assert row["skill"] == "logistics.forklift" and row["opens"] == 2 and row["cohorts"] == [world.cohort.pk]
    for_wang = api(people.hana).get(f"{API}/advice/", {"member": wang.pk})
    assert for_wang.json() == advice.json()
    assert api(people.bob).get(f"{API}/advice/", {"member": wang.pk}).status_code == 404
    coverage = api(people.olga).get(f"{API}/coverage/")
    assert coverage.status_code == 200 and coverage.json()["capable"] == 1 and coverage.json()["covered"] == 0
    assert api(people.wang).get(f"{API}/coverage/").status_code == 403


def test_the_openapi_schema_builds_with_the_training_endpoints(db: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/training/enrolments/{id}/certificate/" in schema["paths"]
    assert "/api/v1/training/advice/" in schema["paths"]


def test_a_scanned_code_marks_attendance_by_api_once_and_a_forged_one_is_refused(
    world: TrainingWorld, wang: Member, people: Any
) -> None:
    enrolment = services.enrolment_create(cohort=world.cohort, member=wang, by=people.wang)
    token = services.attendance_token(enrolment)
    session = world.sessions[0].pk
    hana = api(people.hana)
    first = hana.post(f"{API}/enrolments/scan/", {"session": session, "token": token}, format="json")
    again = hana.post(f"{API}/enrolments/scan/", {"session": session, "token": token}, format="json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["enrolment"] == enrolment.pk
    forged = hana.post(f"{API}/enrolments/scan/", {"session": session, "token": token[:-2] + "xx"}, format="json")
    assert forged.status_code == 400 and forged.json()["field"] == "token"
    assert Attendance.objects.count() == 1
    assert api(people.wang).post(f"{API}/enrolments/scan/", {"session": session, "token": token}).status_code == 404
