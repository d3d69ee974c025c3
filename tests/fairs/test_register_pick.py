"""Registering others for a fair with the people picker (issue 19, finding 2): search, tick several,
register them together; those registered already are shown and cannot be ticked; an id from
another unit refuses the whole list and writes nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from fairs.models import Attendee
from tests.factories import HouseholdFactory, MemberFactory
from tests.fairs.conftest import FairWorld, register

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_fair_page_links_to_the_picker_instead_of_a_long_select(world: FairWorld, people: Any) -> None:
    page = _client(people.hana).get(reverse("fairs:detail", args=[world.fair.pk]), **EN).content.decode()
    assert reverse("fairs:register_pick", args=[world.fair.pk]) in page
    assert "<select" not in page.split('id="register-others"')[1].split("</section>")[0]


def test_a_search_shows_who_is_registered_already(world: FairWorld, people: Any) -> None:
    register(world.fair, world.li, via=Attendee.Via.HELPER)
    url = reverse("fairs:register_pick", args=[world.fair.pk])
    page = _client(people.hana).get(url, {"q": "李娜"}, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "Registered already" in page and f'value="{world.li.pk}" disabled' in page


def test_a_helper_registers_several_people_at_once(world: FairWorld, people: Any) -> None:
    url = reverse("fairs:register_pick", args=[world.fair.pk])
    answer = _client(people.hana).post(url, {"members": [world.li.pk, world.zhao.pk]}, **EN)
    assert answer.status_code == 302
    assert set(Attendee.objects.values_list("member_id", flat=True)) == {world.li.pk, world.zhao.pk}


def test_someone_registered_already_is_named_and_the_others_registered(world: FairWorld, people: Any) -> None:
    register(world.fair, world.li, via=Attendee.Via.HELPER)
    client = _client(people.hana)
    answer = client.post(
        reverse("fairs:register_pick", args=[world.fair.pk]),
        {"members": [world.li.pk, world.zhao.pk]},
        follow=True,
        **EN,
    )
    page = answer.content.decode()
    assert "1 person registered: 赵磊" in page and "李娜" in page and "already registered" in page
    assert Attendee.objects.filter(member=world.zhao).exists()


def test_a_member_of_another_unit_refuses_the_list_and_nothing_is_written(
    tree: Any, world: FairWorld, people: Any
) -> None:
    foreign = MemberFactory(household=HouseholdFactory(org_unit=tree.town_b), name="巴特尔")
    answer = _client(people.hana).post(
        reverse("fairs:register_pick", args=[world.fair.pk]), {"members": [world.li.pk, foreign.pk]}, **EN
    )
    assert answer.status_code in (200, 400)
    assert "not among the people you may act for" in answer.content.decode()
    assert not Attendee.objects.exists()


def test_an_empty_list_and_an_id_that_is_no_number_are_refused(world: FairWorld, people: Any) -> None:
    url = reverse("fairs:register_pick", args=[world.fair.pk])
    client = _client(people.hana)
    assert "Choose at least one person" in client.post(url, {}, **EN).content.decode()
    assert "does not name a person" in client.post(url, {"members": ["abc"]}, **EN).content.decode()
    assert not Attendee.objects.exists()


def test_workers_and_employers_cannot_open_the_picker(world: FairWorld, people: Any) -> None:
    url = reverse("fairs:register_pick", args=[world.fair.pk])
    for user in (people.wang, people.eve):
        assert _client(user).get(url, **EN).status_code in (403, 404)


def test_the_member_id_in_a_link_is_ticked_and_another_units_is_not_shown(
    tree: Any, world: FairWorld, people: Any
) -> None:
    foreign = MemberFactory(household=HouseholdFactory(org_unit=tree.town_b), name="巴特尔")
    url = reverse("fairs:register_pick", args=[world.fair.pk])
    page = _client(people.hana).get(url, {"member": world.zhao.pk}, **EN).content.decode()
    assert f'value="{world.zhao.pk}" checked' in page
    page = _client(people.hana).get(url, {"member": foreign.pk}, **EN).content.decode()
    assert f'value="{foreign.pk}"' not in page and "巴特尔" not in page
