"""Opening an insurance arrears case for someone found with the people picker (issue 19, finding 2):
``?member=`` comes ticked, an id outside reach is refused with nothing written, and the choice is
not a capped list of the first members by archive number."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from households.models import Household
from jobs.models import Employer
from relief.insurance.models import Arrears
from relief.models import Case
from tests.conftest import People
from tests.factories import HouseholdFactory, MemberFactory
from tests.households.live_search import assert_search_lists_only_active_households
from tests.relief.test_insurance import company  # noqa: F401  (the fixture)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = reverse("relief:insurance:arrears_open")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(member: Any, employer: Employer) -> dict[str, Any]:
    return {"member": member, "employer": employer.pk, "kind": "pension", "months": "6", "amount": "6000"}


def test_the_member_in_the_link_comes_ticked(people: People, household_a: Household) -> None:
    member = household_a.members.first()
    page = _client(people.hana).get(URL, {"member": member.pk}, **EN).content.decode()
    assert f'name="member" value="{member.pk}" checked' in page
    assert '<select name="member"' not in page  # no capped list of everyone in reach


def test_a_member_beyond_the_old_list_is_found_and_the_case_opened(
    people: People,
    household_a: Household,
    tree: Any,
    company: Employer,  # noqa: F811
) -> None:
    # Created last, so the highest archive number: beyond any list of the first members.
    late = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔", phone="13800008765")
    client = _client(people.hana)
    assert f'value="{late.pk}"' in client.get(URL, {"q": "8765"}, **EN).content.decode()
    answer = client.post(URL, _form(late.pk, company), **EN)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Arrears.objects.get().case.member == late


def test_a_member_outside_reach_is_refused_and_nothing_is_written(
    people: People,
    household_a: Household,
    household_b: Household,
    company: Employer,  # noqa: F811
) -> None:
    foreign = household_b.members.get()
    answer = _client(people.hana).post(URL, _form(foreign.pk, company), **EN)
    assert answer.status_code == 400
    assert "not among the people you may act for" in answer.content.decode()
    assert foreign.name not in answer.content.decode()
    assert not Arrears.objects.exists() and not Case.objects.exists()


def test_the_search_button_without_js_opens_nothing(
    people: People,
    household_a: Household,
    company: Employer,  # noqa: F811
) -> None:
    member = household_a.members.first()
    data = {**_form("", company), "q": member.name, "search": "1"}
    page = _client(people.hana).post(URL, data, **EN)
    assert page.status_code == 200 and f'value="{member.pk}"' in page.content.decode()
    assert not Arrears.objects.exists() and not Case.objects.exists()


def test_the_live_search_asks_the_page_and_lists_only_active_households(
    people: People,
    household_a: Household,
    tree: Any,
) -> None:
    assert_search_lists_only_active_households(_client(people.hana), URL, tree.station_a)
