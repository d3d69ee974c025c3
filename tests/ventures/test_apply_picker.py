"""A helper applies for entrepreneurship aid for someone found with the people picker (issue 19,
finding 2): ``?member=`` comes ticked, an id outside the helper's reach is refused with nothing
written, and the choice is not a capped list of the first members by archive number."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.conftest import People
from tests.factories import HouseholdFactory, MemberFactory
from tests.funds.conftest import FundWorld
from tests.households.live_search import assert_search_lists_only_active_households
from ventures.models import Venture

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(product: int, member: Any) -> dict[str, Any]:
    return {
        "member": member,
        "product": product,
        "business_name": "特木尔修车铺",
        "business": "修车",
        "address": "乌兰镇",
        "total_cost": "40000",
        "own_funds": "8000",
        "amount": "12000",
    }


def test_the_member_in_the_link_comes_ticked(world: FundWorld, people: People, products: Any, tree: Any) -> None:
    member = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔")
    page = _client(people.hana).get("/ventures/apply/", {"member": member.pk}, **EN).content.decode()
    assert f'name="member" value="{member.pk}" checked' in page
    assert member.household.number in page
    assert '<select name="member"' not in page  # no capped list of everyone in reach


def test_a_search_finds_the_member_and_the_helper_applies(
    world: FundWorld, people: People, products: Any, tree: Any
) -> None:
    # Created last, so the highest archive number: beyond any list of the first members.
    member = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔", phone="13800001234")
    client = _client(people.hana)
    found = client.get("/ventures/apply/", {"q": "1234"}, **EN).content.decode()
    assert f'value="{member.pk}"' in found
    answer = client.post("/ventures/apply/", _form(products["free"].pk, member.pk), **EN)
    venture = Venture.objects.get()
    assert answer.status_code == 302 and venture.member == member


def test_a_member_outside_reach_is_refused_and_nothing_is_written(
    world: FundWorld, people: People, products: Any, household_b: Any
) -> None:
    foreign = household_b.members.get()
    answer = _client(people.hana).post("/ventures/apply/", _form(products["free"].pk, foreign.pk), **EN)
    assert answer.status_code == 400
    assert "not among the people you may act for" in answer.content.decode()
    assert foreign.name not in answer.content.decode()
    assert not Venture.objects.exists()


def test_the_search_button_without_js_applies_nothing(
    world: FundWorld, people: People, products: Any, tree: Any
) -> None:
    member = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔")
    data = {**_form(products["free"].pk, ""), "q": "特木尔", "search": "1"}
    page = _client(people.hana).post("/ventures/apply/", data, **EN)
    assert page.status_code == 200 and f'value="{member.pk}"' in page.content.decode()
    assert "特木尔修车铺" in page.content.decode()  # what was typed is kept
    assert not Venture.objects.exists()


def test_the_live_search_asks_the_page_and_lists_only_active_households(
    world: FundWorld, people: People, products: Any, tree: Any
) -> None:
    assert_search_lists_only_active_households(_client(people.hana), "/ventures/apply/", tree.station_a)
