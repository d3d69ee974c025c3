"""Care (issue 18): aid to single mothers and seriously ill women workers through the relief core
(paid through funds, meeting the care goal), and the register of rest stations and nursing rooms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, InvalidInput, NotFound
from households.models import Member, PlanGoal
from relief import services
from relief.care import selectors
from relief.care import services as care_services
from relief.care.models import Station
from relief.models import Application
from tests.conftest import People, Tree
from tests.factories import MemberFactory, fresh_id_number
from tests.funds.conftest import FundWorld, yuan
from tests.relief.conftest import ReliefWorld, _budget, paid, plan_goal

TODAY = timezone.localdate()


@pytest.fixture
def mother(relief: ReliefWorld) -> Member:
    return MemberFactory(
        household=relief.household,
        name="单亲妈妈",
        relation="other",
        id_number=fresh_id_number(birth=dt.date(TODAY.year - 35, 3, 1), male=False),
    )


def _data(**kwargs: Any) -> dict[str, Any]:
    return {"reason": "single_mother", "need": "独自抚养两个孩子", "amount": "2000", **kwargs}


def test_a_single_mother_is_aided_through_funds_and_the_care_goal_is_met(
    relief: ReliefWorld, people: People, world: FundWorld, tree: Tree, mother: Member
) -> None:
    _budget(world, people, tree, "care", yuan(20_000))
    goal = plan_goal(relief.household, "care", member=mother)
    application = services.application_create(by=people.wang, track="care", member=mother, data=_data())
    assert application.amount == yuan(2000)
    benefit = paid(application, people)
    goal.refresh_from_db()
    assert benefit.cash_transaction_id and goal.status == PlanGoal.Status.MET


def test_a_man_is_not_eligible_for_womens_care_aid(relief: ReliefWorld, people: People) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.application_create(by=people.wang, track="care", member=relief.wang, data=_data())
    assert "women workers" in refused.value.message
    assert not Application.objects.exists()


def test_the_station_register_is_kept_by_organizers_within_reach(people: People, tree: Tree) -> None:
    station = care_services.station_record(
        by=people.olga,
        org_unit=tree.town_a,
        kind="nursing_room",
        name="乌兰镇政务中心爱心妈咪小屋",
        place="政务服务中心二楼",
        opened_on=TODAY - dt.timedelta(days=100),
        inspected_on=TODAY,
    )
    assert list(selectors.station_list_for(people.olga)) == list(selectors.station_list_for(people.alice)) == [station]
    assert not selectors.station_list_for(people.bob).exists()
    with pytest.raises(NotFound):
        care_services.station_record(
            by=people.bob, org_unit=tree.town_a, kind="rest_station", name="x", place="y", opened_on=TODAY
        )
    with pytest.raises(InvalidInput):
        care_services.station_record(
            by=people.olga,
            org_unit=tree.town_a,
            kind="rest_station",
            name="x",
            place="y",
            opened_on=TODAY,
            inspected_on=TODAY - dt.timedelta(days=1),
        )
    assert Station.objects.count() == 1
    client = Client()
    client.force_login(people.olga)
    answer = client.post(
        reverse("relief:care:stations"),
        {"kind": "rest_station", "name": "环卫工人爱心驿站", "place": "乌兰大街", "opened_on": TODAY.isoformat()},
    )
    assert answer.status_code == 302 and Station.objects.count() == 2


def test_marks_health_checks_and_the_rights_month_attendance(
    people: People, tree: Tree, household_a: Any, household_b: Any
) -> None:
    from relief.care.models import Attendance, CareMark, HealthCheck

    worker = household_a.members.first()
    with pytest.raises(InvalidInput):
        care_services.mark_set(member=worker, by=people.hana, sanitation_worker=True)  # no employer named
    assert not CareMark.objects.exists()
    care_services.mark_set(member=worker, by=people.hana, sanitation_worker=True, employer_name="旗环卫处")
    assert list(selectors.sanitation_workers_for(people.olga).values_list("member", flat=True)) == [worker.pk]
    assert not selectors.sanitation_workers_for(people.bob).exists()
    with pytest.raises(NotFound):
        care_services.health_check_record(member=worker, by=people.bob, checked_on=TODAY, result="正常")
    care_services.health_check_record(
        member=worker, by=people.hana, checked_on=TODAY, result="血压偏高", referral="旗医院"
    )
    assert HealthCheck.objects.count() == 1
    event = care_services.event_create(by=people.olga, org_unit=tree.town_a, name="女职工维权行动月宣讲", held_on=TODAY)
    care_services.attendance_record(event=event, member=worker, by=people.hana)
    with pytest.raises(Conflict):
        care_services.attendance_record(event=event, member=worker, by=people.hana)
    with pytest.raises(NotFound):
        care_services.attendance_record(event=event, member=household_b.members.first(), by=people.olga)
    assert Attendance.objects.count() == 1
    client = Client()
    client.force_login(people.olga)
    assert client.get(reverse("relief:care:event", args=[event.pk])).status_code == 200
    assert client.get(reverse("relief:care:member", args=[worker.pk])).status_code == 200
    assert client.get(reverse("relief:care:events")).status_code == 200
    client.force_login(people.bob)
    assert client.get(reverse("relief:care:event", args=[event.pk])).status_code == 404
