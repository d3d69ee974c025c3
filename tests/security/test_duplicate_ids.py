"""Finding 8: a helper who enters an ID number that is already archived in a unit they cannot see
is told only that the person is archived elsewhere; the question goes to the organizers who see
both households (the lowest unit holding both, and those above), never the other unit's
household number or name to the helper."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import Conflict
from households import services
from households.models import Household, IdNumberReferral, Member
from tests.factories import HouseholdFactory, MemberFactory


@pytest.fixture
def archived_in_town_b(tree: Any) -> Member:
    household = HouseholdFactory(org_unit=tree.town_b, number="150624-2026-900001")
    return MemberFactory(household=household, name="苏和")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_helper_is_not_told_where_the_person_is_archived(
    people: Any, household_a: Household, archived_in_town_b: Member, tree: Any
) -> None:
    with pytest.raises(Conflict) as refusal:
        services.member_add(
            household=household_a,
            by=people.hana,
            name="苏和",
            relation=Member.Relation.CHILD,
            id_number=archived_in_town_b.id_number,
        )

    message = refusal.value.message
    assert "900001" not in message and tree.town_b.name not in message
    assert "organizer" in message
    assert household_a.members.count() == 1  # nothing written


def test_the_api_answer_names_no_other_unit(
    people: Any, household_a: Household, archived_in_town_b: Member, tree: Any
) -> None:
    answer = _client(people.hana).post(
        "/api/v1/members/",
        {"household": household_a.pk, "name": "苏和", "relation": "child", "id_number": archived_in_town_b.id_number},
        content_type="application/json",
    )

    assert answer.status_code == 409
    body = answer.content.decode()
    assert "900001" not in body and tree.town_b.name not in body


def test_the_question_goes_to_an_organizer_who_sees_both_and_to_nobody_else(
    people: Any, household_a: Household, archived_in_town_b: Member, tree: Any
) -> None:
    with pytest.raises(Conflict):
        services.member_add(
            household=household_a,
            by=people.hana,
            name="苏和",
            relation=Member.Relation.CHILD,
            id_number=archived_in_town_b.id_number,
        )

    referral = IdNumberReferral.objects.get()
    assert referral.unit == tree.county  # the lowest unit above both town A and town B
    county_page = _client(people.alice).get(reverse("households:id_referrals")).content.decode()
    assert "900001" in county_page and household_a.number in county_page
    for outsider in (people.olga, people.bob, people.hana):  # each sees one of the two households
        page = _client(outsider).get(reverse("households:id_referrals"))
        assert page.status_code in (200, 403)
        assert "900001" not in page.content.decode()


def test_the_organizer_settles_the_question(people: Any, household_a: Household, archived_in_town_b: Member) -> None:
    with pytest.raises(Conflict):
        services.member_add(
            household=household_a,
            by=people.hana,
            name="苏和",
            relation=Member.Relation.CHILD,
            id_number=archived_in_town_b.id_number,
        )
    referral = IdNumberReferral.objects.get()

    answer = _client(people.alice).post(
        reverse("households:id_referral_resolve", args=[referral.pk]), {"resolution": "同一人，已在棋盘井建档"}
    )

    assert answer.status_code == 302
    referral.refresh_from_db()
    assert referral.resolved_by == people.alice and referral.resolution == "同一人，已在棋盘井建档"


def test_a_second_attempt_does_not_ask_twice(people: Any, household_a: Household, archived_in_town_b: Member) -> None:
    for _ in range(2):
        with pytest.raises(Conflict):
            services.member_add(
                household=household_a,
                by=people.hana,
                name="苏和",
                relation=Member.Relation.CHILD,
                id_number=archived_in_town_b.id_number,
            )
    assert IdNumberReferral.objects.count() == 1


def test_within_the_helpers_reach_the_message_still_names_the_household(
    people: Any, household_a: Household, tree: Any
) -> None:
    """A record the helper can open anyway is named, so that they can go to it."""
    other = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a, number="150624-2026-900002"))
    with pytest.raises(Conflict) as refusal:
        services.member_add(
            household=household_a, by=people.hana, name="x", relation=Member.Relation.CHILD, id_number=other.id_number
        )
    assert "900002" in refusal.value.message
    assert not IdNumberReferral.objects.exists()
