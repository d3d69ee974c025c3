"""Staff apply for relief for someone found with the people picker (issue 19, finding 2):
``?member=`` comes ticked, an id outside reach is refused with nothing written, and the choice is
not a capped list of the first members by archive number. The worker's own page is unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from relief.models import Application
from tests.factories import HouseholdFactory, MemberFactory
from tests.households.live_search import assert_search_lists_only_active_households
from tests.relief.conftest import ReliefWorld, proof

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = reverse("relief:apply", args=["student_aid"])


def _form(member: Any) -> dict[str, Any]:
    return {
        "member": member,
        "consent_note": "2026-05-03 电话同意",
        "school": "内蒙古大学",
        "level": "college",
        "admission_year": 2025,
        "enrolment_proof": proof(),
    }


def test_the_member_in_the_link_comes_ticked(relief: ReliefWorld, people: Any, client: Any) -> None:
    client.force_login(people.hana)
    page = client.get(URL, {"member": relief.son.pk}, **EN).content.decode()
    assert f'name="member" value="{relief.son.pk}" checked' in page
    assert '<select name="member"' not in page  # no capped list of everyone in reach


def test_a_helper_applies_for_the_member_picked(relief: ReliefWorld, people: Any, client: Any) -> None:
    client.force_login(people.hana)
    answer = client.post(URL, _form(relief.son.pk), **EN)
    application = Application.objects.get()
    assert answer.status_code == 302 and application.member == relief.son


def test_a_member_beyond_the_old_list_is_found_by_search(
    relief: ReliefWorld, people: Any, client: Any, tree: Any
) -> None:
    # Created last, so the highest archive number: beyond any list of the first members.
    late = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), name="特木尔", phone="13800004321")
    client.force_login(people.hana)
    page = client.get(URL, {"q": "4321"}, **EN).content.decode()
    assert f'value="{late.pk}"' in page and late.household.number in page


def test_a_member_outside_reach_is_refused_and_nothing_is_written(
    relief: ReliefWorld, people: Any, client: Any, household_b: Any
) -> None:
    foreign = household_b.members.get()
    client.force_login(people.hana)
    answer = client.post(URL, _form(foreign.pk), **EN)
    assert answer.status_code == 400
    assert "not among the people you may act for" in answer.content.decode()
    assert foreign.name not in answer.content.decode()
    assert not Application.objects.exists()


def test_the_search_button_without_js_applies_nothing(relief: ReliefWorld, people: Any, client: Any) -> None:
    client.force_login(people.hana)
    data = {**_form(""), "q": relief.son.name, "search": "1"}
    page = client.post(URL, data, **EN)
    assert page.status_code == 200 and f'value="{relief.son.pk}"' in page.content.decode()
    assert "内蒙古大学" in page.content.decode()  # what was typed is kept
    assert not Application.objects.exists()


def test_the_live_search_asks_the_page_and_lists_only_active_households(
    relief: ReliefWorld, people: Any, client: Any, tree: Any
) -> None:
    client.force_login(people.hana)
    assert_search_lists_only_active_households(client, URL, tree.station_a)
