"""Apply on behalf (issue 19, finding 2): the member a helper comes from is carried by id and
ticked already; others are found with the picker; an id outside the helper's reach is refused
with a clear error and nothing is written."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from households.models import Household, Member
from jobs.models import Application, JobPosting
from tests.factories import HouseholdFactory, MemberFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _temur(tree: Any, n: int, unit: Any = None) -> Member:
    return MemberFactory(
        household=HouseholdFactory(org_unit=unit or tree.station_a), name="特木尔", phone=f"1380000{n:04d}"
    )


def test_the_member_id_in_the_link_is_ticked_among_namesakes(
    tree: Any, people: Any, posting: JobPosting, household_a: Household
) -> None:
    temurs = [_temur(tree, n) for n in range(6)]
    chosen = temurs[3]
    url = reverse("jobs:detail", args=[posting.pk])
    page = _client(people.hana).get(url, {"member": chosen.pk}, **EN).content.decode()
    assert f'name="member_id" value="{chosen.pk}" checked' in page
    assert page.count(" checked") == 1  # none of the five namesakes
    assert chosen.household.number in page
    assert "fragment_url" not in page  # the picker's template comment is not printed


def test_a_search_lists_namesakes_with_their_households(
    tree: Any, people: Any, posting: JobPosting, household_a: Household
) -> None:
    temurs = [_temur(tree, n) for n in range(3)]
    page = _client(people.hana).get(reverse("jobs:detail", args=[posting.pk]), {"q": "特木尔"}, **EN).content.decode()
    for member in temurs:
        assert f'value="{member.pk}"' in page and member.household.number in page


def test_a_helper_applies_for_the_member_picked(
    tree: Any, people: Any, posting: JobPosting, household_a: Household
) -> None:
    member = _temur(tree, 7)
    answer = _client(people.hana).post(
        reverse("jobs:apply_for", args=[posting.pk]), {"member_id": member.pk, "consent_note": "电话同意"}, **EN
    )
    assert answer.status_code == 302
    assert Application.objects.filter(posting=posting, member=member, via=Application.Via.HELPER).exists()


def test_a_member_of_another_unit_in_the_post_is_refused_and_nothing_written(
    tree: Any, people: Any, posting: JobPosting, household_a: Household
) -> None:
    foreign = _temur(tree, 9, unit=tree.town_b)
    answer = _client(people.hana).post(
        reverse("jobs:apply_for", args=[posting.pk]), {"member_id": foreign.pk, "consent_note": "电话同意"}, **EN
    )
    page = answer.content.decode()
    assert answer.status_code in (200, 400)
    assert "not among the people you may act for" in page and "nothing was saved" in page
    assert not Application.objects.exists()


def test_a_foreign_member_id_in_the_link_is_not_ticked_or_shown(
    tree: Any, people: Any, posting: JobPosting, household_a: Household
) -> None:
    foreign = _temur(tree, 9, unit=tree.town_b)
    page = (
        _client(people.hana)
        .get(reverse("jobs:detail", args=[posting.pk]), {"member": foreign.pk}, **EN)
        .content.decode()
    )
    assert f'value="{foreign.pk}"' not in page and foreign.household.number not in page


def test_the_search_button_without_javascript_applies_nothing(
    tree: Any, people: Any, posting: JobPosting, household_a: Household
) -> None:
    member = _temur(tree, 5)
    answer = _client(people.hana).post(
        reverse("jobs:apply_for", args=[posting.pk]),
        {"member_id": member.pk, "consent_note": "电话同意", "q": "特木尔", "search": "1"},
        **EN,
    )
    assert answer.status_code == 200 and f'value="{member.pk}" checked' in answer.content.decode()
    assert not Application.objects.exists()
