"""Enrolling others in a cohort with the people picker (issue 19, finding 2): search, tick, or
"select the eligible ones" among those found; who the course does not admit is shown with the
reason; an id from another unit refuses the list and nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Member
from tests.factories import HouseholdFactory, MemberFactory
from tests.training.conftest import TrainingWorld
from training.models import Enrolment

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world: TrainingWorld) -> str:
    return reverse("training:enrol_pick", args=[world.cohort.pk])


def _unable(tree: Any) -> Member:
    return MemberFactory(
        household=HouseholdFactory(org_unit=tree.station_a), name="学员病", work_capacity=Member.WorkCapacity.NONE
    )


def test_select_the_eligible_ones_ticks_those_the_course_admits_and_explains_the_others(
    tree: Any, world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    unable = _unable(tree)
    answer = _client(people.hana).post(_url(world), {"q": "学员", "select_eligible": "1"}, **EN)
    page = answer.content.decode()
    assert answer.status_code == 200
    for member in station_members:
        assert f'value="{member.pk}" checked' in page
    assert f'value="{unable.pk}" disabled' in page
    assert "unable to work" in page.split('id="ineligible"')[1]
    assert not Enrolment.objects.exists()


def test_someone_enrolled_already_is_shown_and_cannot_be_ticked(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    first = station_members[0]
    Enrolment.objects.create(cohort=world.cohort, member=first, state=Enrolment.State.ENROLLED, seat=1)
    page = _client(people.hana).get(_url(world), {"q": "学员0"}, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "Enrolled already" in page and f'value="{first.pk}" disabled' in page


def test_a_too_old_person_is_refused_with_the_age_rule(tree: Any, world: TrainingWorld, people: Any) -> None:
    world.course.max_age = 30
    world.course.save()
    older = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="老学员")
    if older.age_on(world.cohort.starts_on) <= 30:  # the factory's ID numbers give adults of any age
        older.birth_date = timezone.localdate() - dt.timedelta(days=365 * 50)
        older.save()
    page = _client(people.hana).get(_url(world), {"q": "老学员"}, **EN).content.decode()
    assert "This course is for ages" in page


def test_the_ticked_people_are_enrolled_in_order(
    world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    chosen = [station_members[3], station_members[1], station_members[0], station_members[2]]
    answer = _client(people.hana).post(_url(world), {"members": [m.pk for m in chosen]}, **EN)
    assert answer.status_code == 302
    seated = Enrolment.objects.filter(state=Enrolment.State.ENROLLED).values_list("member_id", flat=True)
    assert set(seated) == {m.pk for m in chosen[:3]}
    assert Enrolment.objects.get(state=Enrolment.State.WAITING).member_id == chosen[3].pk


def test_a_member_of_another_unit_refuses_the_list_and_nothing_is_written(
    tree: Any, world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    foreign = MemberFactory(household=HouseholdFactory(org_unit=tree.town_b), name="巴特尔")
    answer = _client(people.hana).post(_url(world), {"members": [station_members[0].pk, foreign.pk]}, **EN)
    assert "not among the people you may act for" in answer.content.decode()
    assert not Enrolment.objects.exists()


def test_an_ineligible_person_in_the_post_refuses_the_list_with_the_reason(
    tree: Any, world: TrainingWorld, station_members: list[Member], people: Any
) -> None:
    unable = _unable(tree)
    answer = _client(people.hana).post(_url(world), {"members": [station_members[0].pk, unable.pk]}, **EN)
    assert "unable to work" in answer.content.decode()
    assert not Enrolment.objects.exists()


def test_workers_and_employers_cannot_open_the_picker(world: TrainingWorld, people: Any) -> None:
    for user in (people.wang, people.eve):
        assert _client(user).get(_url(world), **EN).status_code in (403, 404)


def test_the_member_id_in_a_link_is_ticked(world: TrainingWorld, station_members: list[Member], people: Any) -> None:
    page = _client(people.hana).get(_url(world), {"member": station_members[2].pk}, **EN).content.decode()
    assert f'value="{station_members[2].pk}" checked' in page
