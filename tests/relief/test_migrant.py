"""Migrant workers (issue 18): requests followed as cases, and the list of migrant-group households
with no case (open or closed), within the viewer's reach."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import NotFound
from households.models import Household, TargetGroup
from relief import case_services
from relief.migrant import selectors
from relief.models import Case
from tests.conftest import People


@pytest.fixture
def migrant_a(household_a: Household) -> Household:
    household_a.target_groups.add(TargetGroup.objects.get(code=TargetGroup.MIGRANT))
    return household_a


@pytest.fixture
def migrant_b(household_b: Household) -> Household:
    household_b.target_groups.add(TargetGroup.objects.get(code=TargetGroup.MIGRANT))
    return household_b


def test_a_migrant_household_leaves_the_list_once_it_has_a_case(
    people: People, migrant_a: Household, migrant_b: Household
) -> None:
    assert list(selectors.households_without_case_for(people.olga)) == [migrant_a]
    assert set(selectors.households_without_case_for(people.alice)) == {migrant_a, migrant_b}
    case = case_services.case_open(
        by=people.hana,
        track="migrant",
        kind="residence_permit",
        member=migrant_a.members.first(),
        summary="办理居住证",
        office="public_security",
    )
    assert not selectors.households_without_case_for(people.olga).exists()
    case_services.case_close(case=case, by=people.hana, outcome="achieved")
    assert not selectors.households_without_case_for(people.olga).exists()  # closed still counts


def test_another_towns_organizer_cannot_open_a_migrant_case(people: People, migrant_a: Household) -> None:
    with pytest.raises(NotFound):
        case_services.case_open(
            by=people.bob,
            track="migrant",
            kind="schooling",
            member=migrant_a.members.first(),
            summary="入学",
            office="school",
        )
    assert not Case.objects.exists()


def test_the_page_lists_them_with_a_link_to_open_a_case(people: People, migrant_a: Household) -> None:
    client = Client()
    client.force_login(people.olga)
    page = client.get(reverse("relief:migrant:households")).content.decode()
    assert f'data-household="{migrant_a.pk}"' in page and reverse("relief:case_open", args=["migrant"]) in page


def test_a_migrant_case_closed_achieved_meets_the_open_migrant_goal(people: People, migrant_a: Household) -> None:
    from households.models import PlanGoal, Track
    from tests.relief.conftest import plan_goal

    member = migrant_a.members.first()
    goal = plan_goal(migrant_a, Track.MIGRANT, member=member)
    job_goal = plan_goal(migrant_a, Track.JOB, member=member)
    opened = [
        case_services.case_open(
            by=people.hana, track="migrant", kind=kind, member=member, summary=kind, office="public_security"
        )
        for kind in ("residence_permit", "schooling")
    ]
    case_services.case_close(case=opened[0], by=people.hana, outcome="not_achieved")
    goal.refresh_from_db()
    assert goal.status != PlanGoal.Status.MET  # a refusal meets nothing
    closed = case_services.case_close(case=opened[1], by=people.hana, outcome="achieved")
    goal.refresh_from_db()
    job_goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET and closed.goal == goal
    assert "schooling" in goal.evidence
    assert job_goal.status != PlanGoal.Status.MET  # only the migrant track's goal
