"""Lists of the fairs' pages and API read a fixed number of queries, whatever the number of rows:
each list is measured with 2 rows and with 20, and the count must not grow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from fairs.models import Attendee, Booth, Interview, JobFair
from fairs.scoring import pair_scores
from households.models import Member
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.fairs.conftest import FairWorld, make_fair, register
from tests.jobs.conftest import make_employer

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grows(add_rows: Callable[[int], None], client: Client, url: str) -> tuple[int, int]:
    add_rows(2)
    few = queries(client, url)
    add_rows(18)
    return few, queries(client, url)


def people_of(tree: Any, n: int) -> list[Member]:
    return [MemberFactory(household=HouseholdFactory(org_unit=tree.station_a)) for _ in range(n)]


def test_the_booths_interview_list_does_not_grow_with_interviews(world: FairWorld, people: Any, tree: Any) -> None:
    world.booth.slot_count, world.booth.slot_capacity = 20, 2
    world.booth.save()

    def add(n: int) -> None:
        start = Interview.objects.count()
        for i, member in enumerate(people_of(tree, n), start=start):
            Interview.objects.create(fair=world.fair, booth=world.booth, attendee=register(world.fair, member), slot=i)

    client = client_for(people.eve)
    few, many = grows(add, client, f"/api/v1/fairs/booths/{world.booth.pk}/interviews/")
    assert many == few
    few_page = queries(client, reverse("fairs:booth", args=[world.booth.pk]))
    add(20)
    assert queries(client, reverse("fairs:booth", args=[world.booth.pk])) == few_page


def test_a_workers_fairs_do_not_grow_with_registrations(world: FairWorld, people: Any, tree: Any) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            fair = make_fair(tree.county, name="招聘会")
            booth = Booth.objects.create(fair=fair, employer=world.eve_co, code="A01", status=Booth.Status.APPROVED)
            booth.postings.set([world.posting])
            Interview.objects.create(fair=fair, booth=booth, attendee=register(fair, world.wang), slot=0)

    few, many = grows(add, client_for(people.wang), "/api/v1/fairs/mine/")
    assert many == few


def test_the_fair_page_does_not_grow_with_attendees_or_booths(world: FairWorld, people: Any, tree: Any) -> None:
    def add(n: int) -> None:
        for member in people_of(tree, n):
            register(world.fair, member)

    few, many = grows(add, client_for(people.alice), reverse("fairs:detail", args=[world.fair.pk]))
    assert many == few


def test_the_fair_lists_do_not_grow_with_fairs(world: FairWorld, people: Any, tree: Any) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            make_fair(tree.town_a, name="乌兰镇招聘会").target_groups.set([])

    client = client_for(people.alice)
    few, many = grows(add, client, "/api/v1/fairs/")
    assert many == few
    page = queries(client, reverse("fairs:list"))
    add(20)
    assert queries(client, reverse("fairs:list")) == page


def test_the_report_does_not_grow_with_attendees(world: FairWorld, people: Any, tree: Any) -> None:
    def add(n: int) -> None:
        for member in people_of(tree, n):
            attendee = register(world.fair, member)
            slot = Interview.objects.count()
            Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=slot)

    world.booth.slot_count = 50
    world.booth.save()
    client = client_for(people.alice)
    few, many = grows(add, client, reverse("fairs:report", args=[world.fair.pk]))
    assert many == few
    assert Attendee.objects.count() == 20 and JobFair.objects.count() == 1


def test_the_graduates_page_does_not_grow_with_graduates(world: FairWorld, people: Any, tree: Any) -> None:
    def add(n: int) -> None:
        for member in people_of(tree, n):
            member.graduation_year = world.wang.graduation_year
            member.save()

    few, many = grows(add, client_for(people.alice), reverse("fairs:graduates"))
    assert many == few


def test_scoring_reads_the_booths_prefetched_postings_not_one_query_per_booth(
    world: FairWorld, people: Any, tree: Any
) -> None:
    attendees = [register(world.fair, m) for m in (world.wang, world.li, world.zhao)]

    def read(n: int) -> int:
        for _ in range(n):
            employer = make_employer(UserFactory(role=Role.EMPLOYER), tree.county, name="公司")
            booth = Booth.objects.create(fair=world.fair, employer=employer)
            booth.postings.set([world.posting])
        booths = list(world.fair.booths.prefetch_related("postings"))
        with CaptureQueriesContext(connection) as captured:
            scores = pair_scores(attendees, booths)
        assert len(scores) == 3 * len(booths)
        return len(captured)

    assert read(1) == read(18)
