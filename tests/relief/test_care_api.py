"""Care written through the API (issue 18): a member's marks, a health check, and attendance at a
rights-month event, with the pages' rules (the relief staff of the member's unit write; an auditor
is refused; another unit's member or event is not found) and each bad input a 400 with its
reason and nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from households.models import Household, Member
from relief.care import services
from relief.care.models import Attendance, CareMark, HealthCheck, RightsEvent
from tests.conftest import People, Tree
from tests.factories import MemberFactory, fresh_id_number
from tests.jobs.conftest import make_employer

TODAY = timezone.localdate()


def _api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # the reasons read in English here
    client.force_authenticate(user)
    return client


@pytest.fixture
def member(household_a: Household) -> Member:
    return MemberFactory(
        household=household_a,
        name="刘芳",
        relation="spouse",
        id_number=fresh_id_number(birth=dt.date(TODAY.year - 40, 5, 1), male=False),
    )


@pytest.fixture
def event(people: People, tree: Tree) -> RightsEvent:
    return services.event_create(by=people.olga, org_unit=tree.town_a, name="维权行动月宣讲", held_on=TODAY)


def _mark(user: User, member: Member, **body: Any) -> Any:
    return _api(user).post(f"/api/v1/relief/care/members/{member.pk}/mark/", body, format="json")


def _check(user: User, member: Member, **body: Any) -> Any:
    return _api(user).post(f"/api/v1/relief/care/members/{member.pk}/health-checks/", body, format="json")


def _attend(user: User, event: RightsEvent, **body: Any) -> Any:
    return _api(user).post(f"/api/v1/relief/care/events/{event.pk}/attendance/", body, format="json")


# --- marks ---------------------------------------------------------------------------------------


def test_a_helper_sets_and_clears_the_care_marks(people: People, member: Member) -> None:
    answer = _mark(people.hana, member, sanitation_worker=True, employer_name="环卫处", women_care_needs="哺乳期")
    assert answer.status_code == 200, answer.content
    assert answer.json()["mark"]["employer_name"] == "环卫处"
    mark = CareMark.objects.get(member=member)
    assert mark.sanitation_worker and mark.women_care_needs == "哺乳期" and mark.updated_by == people.hana
    assert _mark(people.olga, member, sanitation_worker=False).status_code == 200
    mark.refresh_from_db()
    assert not mark.sanitation_worker and mark.employer_name == "" and mark.women_care_needs == ""
    read = _api(people.aude).get(f"/api/v1/relief/care/members/{member.pk}/")
    assert read.status_code == 200 and read.json()["mark"]["sanitation_worker"] is False


def test_a_registered_employer_can_be_named(people: People, tree: Tree, member: Member) -> None:
    employer = make_employer(people.eve, tree.county, name="鄂托克旗环境卫生管理处")
    answer = _mark(people.hana, member, sanitation_worker=True, employer=employer.pk)
    assert answer.status_code == 200, answer.content
    assert CareMark.objects.get(member=member).employer == employer


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"sanitation_worker": True}, "employer_name", "employer"),
        ({"sanitation_worker": True, "employer_name": "  "}, "employer_name", "employer"),
        ({"employer_name": "环卫处"}, "sanitation_worker", "required"),
        ({"sanitation_worker": "maybe"}, "sanitation_worker", "valid boolean"),
        ({"sanitation_worker": True, "employer": 999999}, "employer", "No such employer"),
        ({"sanitation_worker": True, "employer": "abc"}, "employer", "valid integer"),
        ({"sanitation_worker": False, "women_care_needs": "x" * 301}, "women_care_needs", "300"),
    ],
)
def test_bad_marks_are_400_with_the_reason_and_write_nothing(
    people: People, member: Member, body: dict[str, Any], field: str, says: str
) -> None:
    answer = _mark(people.hana, member, **body)
    assert answer.status_code == 400
    data = answer.json()
    message = str(data.get(field) or data.get("detail") or "")
    assert (data.get("field") == field or field in data) and says in message, data
    assert not CareMark.objects.exists()


# --- health checks -------------------------------------------------------------------------------


def test_a_helper_records_a_health_check(people: People, member: Member) -> None:
    answer = _check(people.hana, member, checked_on=str(TODAY), result="血压偏高", referral="旗人民医院")
    assert answer.status_code == 201, answer.content
    check = HealthCheck.objects.get(member=member)
    assert answer.json()["id"] == check.pk and check.recorded_by == people.hana and check.referral == "旗人民医院"
    read = _api(people.olga).get(f"/api/v1/relief/care/members/{member.pk}/")
    assert [c["result"] for c in read.json()["health_checks"]] == ["血压偏高"]


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"checked_on": str(TODAY + dt.timedelta(days=1)), "result": "正常"}, "checked_on", "future"),
        ({"checked_on": "1900-01-01", "result": "正常"}, "checked_on", "born"),
        ({"checked_on": "2026-02-30", "result": "正常"}, "checked_on", "format"),
        ({"result": "正常"}, "checked_on", "required"),
        ({"checked_on": str(TODAY)}, "result", "Record the result"),
        ({"checked_on": str(TODAY), "result": "   "}, "result", "Record the result"),
        ({"checked_on": str(TODAY), "result": "x" * 301}, "result", "300"),
        ({"checked_on": str(TODAY), "result": "正常", "referral": "x" * 201}, "referral", "200"),
    ],
)
def test_bad_health_checks_are_400_with_the_reason_and_write_nothing(
    people: People, member: Member, body: dict[str, Any], field: str, says: str
) -> None:
    answer = _check(people.hana, member, **body)
    assert answer.status_code == 400
    data = answer.json()
    message = str(data.get(field) or data.get("detail") or "")
    assert (data.get("field") == field or field in data) and says in message, data
    assert not HealthCheck.objects.exists()


# --- rights-month attendance ---------------------------------------------------------------------


def test_attendance_is_recorded_once(people: People, member: Member, event: RightsEvent) -> None:
    answer = _attend(people.olga, event, member=member.pk)
    assert answer.status_code == 201, answer.content
    assert answer.json()["name"] == "刘芳"
    again = _attend(people.alice, event, member=member.pk)
    assert again.status_code == 409 and "刘芳" in again.json()["detail"]
    assert Attendance.objects.filter(event=event).count() == 1
    listed = _api(people.olga).get(f"/api/v1/relief/care/events/{event.pk}/")
    assert listed.json()["attended"] == 1


def test_bad_attendance_is_refused_and_writes_nothing(
    people: People, tree: Tree, member: Member, household_b: Household, event: RightsEvent
) -> None:
    assert _attend(people.olga, event).status_code == 400
    assert _attend(people.olga, event, member="abc").status_code == 400
    assert _attend(people.olga, event, member=999999).status_code == 404
    other_member = household_b.members.get()
    assert _attend(people.olga, event, member=other_member.pk).status_code == 404  # another town's member
    # A station's helper does not reach the town's event (as on the page).
    assert _attend(people.hana, event, member=member.pk).status_code == 404
    # The county organizer reaches town B's member, but the event is town A's: not for that member.
    assert _attend(people.alice, event, member=other_member.pk).status_code == 404
    member.is_current = False
    member.save(update_fields=["is_current"])
    gone = _attend(people.olga, event, member=member.pk)
    assert gone.status_code == 400 and "left" in gone.json()["detail"]
    assert not Attendance.objects.exists()


# --- who may ---------------------------------------------------------------------------------------


def test_the_pages_rules_hold_for_each_write(
    people: People, member: Member, household_b: Household, event: RightsEvent
) -> None:
    other = household_b.members.get()
    mark = {"sanitation_worker": False}
    check = {"checked_on": str(TODAY), "result": "正常"}
    # Another town's organizer: the member and the event are not found.
    assert _mark(people.bob, member, **mark).status_code == 404
    assert _check(people.bob, member, **check).status_code == 404
    assert _attend(people.bob, event, member=other.pk).status_code == 404
    # The auditor reads but does not write; a worker neither (their own household either).
    assert _mark(people.aude, member, **mark).status_code == 403
    assert _check(people.aude, member, **check).status_code == 403
    assert _attend(people.aude, event, member=member.pk).status_code == 403
    for refused in (_mark(people.wang, member, **mark), _check(people.wang, member, **check)):
        assert refused.status_code in (403, 404)
    assert _api(people.wang).get(f"/api/v1/relief/care/members/{member.pk}/").status_code == 404
    assert not (CareMark.objects.exists() or HealthCheck.objects.exists() or Attendance.objects.exists())
