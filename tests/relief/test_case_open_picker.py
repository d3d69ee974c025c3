"""Opening a relief case for someone found with the people picker (issue 19, finding 2):
``?member=`` comes ticked, an id outside reach is refused with nothing written, and the choice is
not a capped list of the first members by archive number."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Household
from relief.models import Case
from relief.registry import Track
from tests.conftest import People
from tests.factories import HouseholdFactory, MemberFactory
from tests.households.live_search import assert_search_lists_only_active_households
from tests.relief.test_cases import case_track  # noqa: F401  (the fixture)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = reverse("relief:case_open", args=["test_arrears"])


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(member: Any) -> dict[str, Any]:
    return {
        "member": member,
        "kind": "arrears",
        "summary": "单位欠缴",
        "office": "hrss",
        "opened_on": timezone.localdate().isoformat(),
    }


def test_the_member_in_the_link_comes_ticked(case_track: Track, people: People, household_a: Household) -> None:  # noqa: F811
    member = household_a.members.first()
    page = _client(people.hana).get(URL, {"member": member.pk}, **EN).content.decode()
    assert f'name="member" value="{member.pk}" checked' in page
    assert '<select name="member"' not in page  # no capped list of everyone in reach


def test_a_member_beyond_the_old_list_is_found_and_the_case_opened(
    case_track: Track,  # noqa: F811
    people: People,
    household_a: Household,
    tree: Any,
) -> None:
    # Created last, so the highest archive number: beyond any list of the first members.
    late = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔", phone="13800005678")
    client = _client(people.hana)
    assert f'value="{late.pk}"' in client.get(URL, {"q": "5678"}, **EN).content.decode()
    answer = client.post(URL, _form(late.pk), **EN)
    case = Case.objects.get()
    assert answer.status_code == 302 and case.member == late


def test_a_member_outside_reach_is_refused_and_nothing_is_written(
    case_track: Track,  # noqa: F811
    people: People,
    household_a: Household,
    household_b: Household,
) -> None:
    foreign = household_b.members.get()
    answer = _client(people.hana).post(URL, _form(foreign.pk), **EN)
    assert answer.status_code == 400
    assert "not among the people you may act for" in answer.content.decode()
    assert foreign.name not in answer.content.decode()
    assert not Case.objects.exists()


def test_the_search_button_without_js_opens_nothing(
    case_track: Track,  # noqa: F811
    people: People,
    household_a: Household,
) -> None:
    member = household_a.members.first()
    page = _client(people.hana).post(URL, {**_form(""), "q": member.name, "search": "1"}, **EN)
    assert page.status_code == 200 and f'value="{member.pk}"' in page.content.decode()
    assert "单位欠缴" in page.content.decode()  # what was typed is kept
    assert not Case.objects.exists()


def test_the_live_search_asks_the_page_and_lists_only_people_a_case_can_be_opened_for(
    case_track: Track,  # noqa: F811
    people: People,
    household_a: Household,
    tree: Any,
) -> None:
    """The search lists active households' members, as the form accepts: a draft household's member
    in reach is not offered (the general picker would list them, and the form refuse them)."""
    assert_search_lists_only_active_households(_client(people.hana), URL, tree.station_a)
