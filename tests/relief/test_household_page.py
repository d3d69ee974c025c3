"""The household page lists everything received, in a number of queries that does not grow with
it; programmes meet plan goals too; the archive flags contradicting target groups; the household
list filters by 低保 status, work capacity and sex."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import selectors as household_selectors
from households.archive_flags import flags_for
from households.models import Household, Member, PlanGoal, TargetGroup
from relief.models import Application, Benefit
from tests.factories import MemberFactory, fresh_id_number
from tests.relief.conftest import ReliefWorld, plan_goal

pytestmark = pytest.mark.django_db


def _given(relief: ReliefWorld, people: Any, n: int) -> None:
    for i in range(n):
        application = Application.objects.create(
            track="assistance",
            member=relief.wang,
            household=relief.household,
            org_unit=relief.household.org_unit,
            period="2026",
            summary=f"转介第{i}次",
            channel="online",
            state=Application.State.GIVEN,
            created_by=people.wang,
        )
        Benefit.objects.create(
            application=application,
            track="assistance",
            member=relief.wang,
            household=relief.household,
            org_unit=relief.household.org_unit,
            kind=Benefit.Kind.NONE,
            period="2026",
            received_on=dt.date.today() - dt.timedelta(days=i),
            summary=f"转介第{i}次",
            recorded_by=people.hana,
        )


def _page_queries(client: Any, household: Household) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_household_pages_relief_list_takes_a_constant_number_of_queries(
    relief: ReliefWorld, people: Any, client: Any
) -> None:
    client.force_login(people.olga)
    _given(relief, people, 1)
    few, page = _page_queries(client, relief.household)
    assert "转介第0次" in page
    _given(relief, people, 12)
    many, page = _page_queries(client, relief.household)
    assert "转介第11次" in page
    assert many == few, (few, many)


def test_received_lists_come_from_every_registered_source(relief: ReliefWorld) -> None:
    from households.received import registry

    assert {"relief", "jobs", "training", "ventures"} <= set(registry.sources)


def test_a_certificate_meets_the_training_goal_and_a_funded_venture_the_venture_goal(
    relief: ReliefWorld, people: Any
) -> None:
    from households import services as household_services

    training = plan_goal(relief.household, "training", member=relief.wang)
    venture = plan_goal(relief.household, "venture")
    met = household_services.plan_goals_meet(
        member=relief.wang, track="training", on=dt.date.today(), evidence="证书 X1", by=people.olga
    )
    assert met == [training]
    training.refresh_from_db()
    venture.refresh_from_db()
    assert training.status == PlanGoal.Status.MET and venture.status == PlanGoal.Status.OPEN


def test_an_archive_flags_target_groups_that_contradict_its_data(relief: ReliefWorld, people: Any, client: Any) -> None:
    household = relief.household
    household.target_groups.set(TargetGroup.objects.filter(code__in=["dibao_able", "sudden_expense"]))
    Member.objects.filter(household=household).update(work_capacity=Member.WorkCapacity.NONE)
    members = list(household.members.all())
    codes = {
        f.code
        for f in flags_for(
            household,
            members=members,
            target_groups=household.target_groups.all(),
            cause_codes=[],
            today=dt.date.today(),
        )
    }
    assert codes == {"dibao_able_without_dibao", "dibao_able_without_worker", "sudden_expense_without_cause"}
    client.force_login(people.olga)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert 'data-flag="dibao_able_without_worker"' in page
    detail = client.get(f"/api/v1/households/{household.pk}/").json()
    assert {f["code"] for f in detail["archive_flags"]} == codes


def test_a_consistent_archive_has_no_flag(relief: ReliefWorld) -> None:
    household = relief.household
    Household.objects.filter(pk=household.pk).update(dibao_status=Household.DibaoStatus.RECEIVING)
    household.refresh_from_db()
    household.target_groups.set(TargetGroup.objects.filter(code="dibao_able"))
    flags = flags_for(
        household,
        members=list(household.members.all()),
        target_groups=household.target_groups.all(),
        cause_codes=[],
        today=dt.date.today(),
    )
    assert flags == []


def test_the_household_list_filters_by_dibao_status_work_capacity_and_sex(
    relief: ReliefWorld, people: Any, tree: Any, client: Any
) -> None:
    from tests.factories import HouseholdFactory

    other = HouseholdFactory(org_unit=tree.station_a, dibao_status=Household.DibaoStatus.RECEIVING)
    MemberFactory(
        household=other,
        relation=Member.Relation.HEAD,
        id_number=fresh_id_number(male=False),
        work_capacity=Member.WorkCapacity.PARTIAL,
    )
    filters = household_selectors.HouseholdFilters
    listed = household_selectors.household_list_for
    assert list(listed(people.olga, filters(dibao_status="receiving"))) == [other]
    assert list(listed(people.olga, filters(work_capacity="partial"))) == [other]
    assert list(listed(people.olga, filters(sex="F"))) == [other]
    # The same member must match both: the woman in ``other`` works partly, not fully.
    assert list(listed(people.olga, filters(sex="F", work_capacity="full"))) == []
    rows = client.get("/api/v1/households/?sex=F") if client.force_login(people.olga) is None else None
    assert rows is not None and [r["id"] for r in rows.json()["results"]] == [other.pk]
    page = client.get(reverse("households:list") + "?dibao_status=receiving").content.decode()
    assert other.number in page and relief.household.number not in page
