"""The training lists cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from households.models import TargetGroup
from tests.training.conftest import TrainingWorld, make_cohort, make_course


@pytest.mark.parametrize("rows", [2, 20])
def test_the_course_list_api_does_not_query_per_course(
    rows: int, world: TrainingWorld, tree: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    groups = list(TargetGroup.objects.all()[:2])
    for n in range(rows - 1):
        course = make_course(tree.county, [world.forklift, world.welding], title=f"课程{n}")
        course.target_groups.set(groups)
        make_cohort(course)
    client = APIClient()
    client.force_authenticate(people.alice)
    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/training/courses/")
    assert answer.status_code == 200 and answer.json()["count"] == rows
    listed = {c["title"]: c["target_groups"] for c in answer.json()["results"]}
    assert listed["课程0"] == [g.code for g in groups] and listed["叉车司机培训"] == []


@pytest.mark.parametrize("rows", [2, 20])
def test_the_roster_the_session_and_the_coverage_pages_do_not_query_per_person(
    rows: int, world: TrainingWorld, tree: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    from django.test import Client

    from tests.factories import HouseholdFactory, MemberFactory
    from training import services

    members = [MemberFactory(household=HouseholdFactory(org_unit=tree.station_a)) for _ in range(rows)]
    world.cohort.seats = rows
    world.cohort.save()
    services.enrolment_create_many(cohort=world.cohort, members=members, by=people.alice)
    client = Client()
    client.force_login(people.alice)
    for url in (
        f"/training/cohorts/{world.cohort.pk}/",
        f"/training/sessions/{world.sessions[0].pk}/",
        "/training/coverage/",
        "/training/cohorts/",
    ):
        with django_assert_max_num_queries(16):
            answer = client.get(url)
        assert answer.status_code == 200, url
