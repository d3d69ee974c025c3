"""Recording who attended a rights event with the people picker (issue 19, finding 2): ``?member=``
comes ticked, an id outside reach is refused with nothing written, and the choice is not a capped
list of the first 500 members by archive number."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Household
from relief.care import services as care_services
from relief.care.models import Attendance, RightsEvent
from tests.conftest import People, Tree
from tests.factories import HouseholdFactory, MemberFactory
from tests.households.live_search import assert_search_lists

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _event(people: People, tree: Tree) -> Any:
    return care_services.event_create(
        by=people.olga, org_unit=tree.town_a, name="女职工维权行动月宣讲", held_on=timezone.localdate()
    )


def test_the_member_in_the_link_comes_ticked(people: People, tree: Tree, household_a: Household) -> None:
    event = _event(people, tree)
    member = household_a.members.first()
    url = reverse("relief:care:event", args=[event.pk])
    page = _client(people.olga).get(url, {"member": member.pk}, **EN).content.decode()
    assert f'name="member" value="{member.pk}" checked' in page
    assert '<select name="member"' not in page  # no capped list of everyone in reach


def test_a_member_beyond_the_old_list_is_found_and_recorded(people: People, tree: Tree, household_a: Household) -> None:
    event = _event(people, tree)
    # Created last, so the highest archive number: beyond any list of the first 500 members.
    late = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔", phone="13800002468")
    url = reverse("relief:care:event", args=[event.pk])
    client = _client(people.olga)
    assert f'value="{late.pk}"' in client.get(url, {"q": "2468"}, **EN).content.decode()
    answer = client.post(url, {"member": late.pk}, **EN)
    assert answer.status_code == 302
    assert list(Attendance.objects.values_list("member", flat=True)) == [late.pk]


def test_a_member_outside_reach_is_refused_and_nothing_is_written(
    people: People, tree: Tree, household_a: Household, household_b: Household
) -> None:
    event = _event(people, tree)
    foreign = household_b.members.get()
    answer = _client(people.olga).post(reverse("relief:care:event", args=[event.pk]), {"member": foreign.pk}, **EN)
    assert answer.status_code == 400
    assert "not among the people you may act for" in answer.content.decode()
    assert foreign.name not in answer.content.decode()
    assert not Attendance.objects.exists()


def test_the_search_button_without_js_records_nothing(people: People, tree: Tree, household_a: Household) -> None:
    event = _event(people, tree)
    member = household_a.members.first()
    url = reverse("relief:care:event", args=[event.pk])
    page = _client(people.olga).post(url, {"q": member.name, "search": "1"}, **EN)
    assert page.status_code == 200 and f'value="{member.pk}"' in page.content.decode()
    assert not Attendance.objects.exists()
    assert RightsEvent.objects.count() == 1


def test_the_live_search_asks_the_event_page_and_lists_only_the_event_units_people(
    people: People, tree: Tree, household_a: Household
) -> None:
    """An event of the station: the town organizer reaches the whole town, the search only the
    station's people (whom the event accepts)."""
    event = care_services.event_create(
        by=people.olga, org_unit=tree.station_a, name="环卫工人健康讲座", held_on=timezone.localdate()
    )
    inside = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="乌日娜其其格")
    outside = MemberFactory(household=HouseholdFactory(org_unit=tree.town_a), name="乌日娜图雅")
    page_url = reverse("relief:care:event", args=[event.pk])
    assert_search_lists(_client(people.olga), page_url, "乌日娜", shown=inside, hidden=outside)
