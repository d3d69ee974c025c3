"""The people picker (issue 19, finding 2): staff find people in their reach by name, archive number
or the last 4 digits of the mobile number, each shown with the household; nobody outside the
user's units is ever listed or accepted; every bad query gets a clear answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import Forbidden
from households import picker
from households.models import Household, Member
from tests.factories import HouseholdFactory, MemberFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}


@dataclass
class Namesakes:
    """Three people called 特木尔 at station A (Hana's reach) and one in town B (Bob's)."""

    here: list[Member]
    there: Member


@pytest.fixture
def namesakes(tree: Any, household_a: Household) -> Namesakes:
    here = [
        MemberFactory(
            household=HouseholdFactory(org_unit=tree.station_a, number=f"150624-2026-90012{n}"),
            name="特木尔",
            phone=f"1384770{n}{n}{n}{n}",
        )
        for n in (1, 2, 3)
    ]
    there = MemberFactory(
        household=HouseholdFactory(org_unit=tree.town_b, number="150624-2026-900777"),
        name="特木尔",
        phone="13900009999",
    )
    return Namesakes(here, there)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _names(pick: picker.Pick) -> list[int]:
    return [row.member.pk for row in pick.rows]


# --- the selector: scope -------------------------------------------------------------------------------


def test_a_helper_finds_the_namesakes_of_their_station_each_with_the_household(
    people: Any, namesakes: Namesakes
) -> None:
    pick = picker.member_pick_for(people.hana, "特木尔")
    assert sorted(_names(pick)) == sorted(m.pk for m in namesakes.here)
    assert namesakes.there.pk not in _names(pick)
    row = next(r for r in pick.rows if r.member.pk == namesakes.here[0].pk)
    assert row.archive_number == "150624-2026-900121"
    assert row.phone_masked == "138****1111"
    assert row.village  # the household's region, to tell namesakes apart


def test_an_organizer_of_another_unit_finds_nobody_from_here(people: Any, namesakes: Namesakes) -> None:
    by_name = picker.member_pick_for(people.bob, "特木尔")
    assert _names(by_name) == [namesakes.there.pk]
    for query in ("1111", "150624-2026-900121", "900121"):
        pick = picker.member_pick_for(people.bob, query)
        assert pick.rows == [] and pick.error, query


def test_the_county_organizer_finds_people_of_every_unit_below(people: Any, namesakes: Namesakes) -> None:
    assert len(picker.member_pick_for(people.alice, "特木尔").rows) == 4


@pytest.mark.parametrize("who", ["wang", "eve", "aude"])
def test_a_role_that_does_not_act_for_others_is_refused(people: Any, namesakes: Namesakes, who: str) -> None:
    with pytest.raises(Forbidden):
        picker.member_pick_for(getattr(people, who), "特木尔")


def test_people_who_left_or_of_closed_households_are_not_offered(people: Any, namesakes: Namesakes) -> None:
    gone = namesakes.here[0]
    gone.is_current = False
    gone.save()
    closed = namesakes.here[1].household
    closed.state = Household.State.CLOSED
    closed.save()
    assert _names(picker.member_pick_for(people.hana, "特木尔")) == [namesakes.here[2].pk]


# --- the selector: each key -----------------------------------------------------------------------------


def test_search_by_the_last_four_digits_of_the_phone(people: Any, namesakes: Namesakes) -> None:
    pick = picker.member_pick_for(people.hana, "2222")
    assert _names(pick) == [namesakes.here[1].pk] and pick.by == "phone"


def test_search_by_the_whole_archive_number_or_its_sequence(people: Any, namesakes: Namesakes) -> None:
    assert _names(picker.member_pick_for(people.hana, "150624-2026-900123")) == [namesakes.here[2].pk]
    assert _names(picker.member_pick_for(people.hana, "900123")) == [namesakes.here[2].pk]


def test_search_by_part_of_a_name(people: Any, namesakes: Namesakes) -> None:
    assert len(picker.member_pick_for(people.hana, "木尔").rows) == 3


def test_a_long_list_says_there_are_more(people: Any, namesakes: Namesakes) -> None:
    pick = picker.member_pick_for(people.hana, "特木尔", limit=2)
    assert len(pick.rows) == 2 and pick.more


# --- the selector: bad input ------------------------------------------------------------------------------


def test_an_empty_query_asks_for_something_to_search(people: Any, namesakes: Namesakes) -> None:
    pick = picker.member_pick_for(people.hana, "   ")
    assert pick.rows == [] and "last 4 digits" in pick.error
    assert picker.member_pick_for(people.hana, "", required=False).error == ""


def test_a_one_character_query_is_refused_with_the_reason(people: Any, namesakes: Namesakes) -> None:
    pick = picker.member_pick_for(people.hana, "特")
    assert pick.rows == [] and "at least 2 characters" in pick.error


def test_four_digits_that_end_no_phone_say_so(people: Any, namesakes: Namesakes) -> None:
    pick = picker.member_pick_for(people.hana, "4321")
    assert pick.rows == [] and "mobile number ending in 4321" in pick.error


@pytest.mark.parametrize("query", ["' OR 1=1 --", "%", "%%_", "特木尔'; DROP TABLE households_member; --", "\\x00"])
def test_sql_like_input_is_only_text(people: Any, namesakes: Namesakes, query: str) -> None:
    pick = picker.member_pick_for(people.hana, query)
    assert pick.rows == [] and pick.error
    assert Member.objects.count() == 5


def test_odd_unicode_is_cleaned_not_fatal(people: Any, namesakes: Namesakes) -> None:
    assert len(picker.member_pick_for(people.hana, "特\u200b木\u0000尔").rows) == 3  # zero-width, NUL
    assert _names(picker.member_pick_for(people.hana, "１１１１")) == [namesakes.here[0].pk]  # full-width digits
    assert picker.member_pick_for(people.hana, "🙂🙂").rows == []
    assert len(picker.clean_query("特木尔" * 50)) == picker.MAX_QUERY


# --- the endpoint ------------------------------------------------------------------------------------------


def test_the_endpoint_answers_htmx_with_a_fragment_of_choices(people: Any, namesakes: Namesakes) -> None:
    url = reverse("households:member_pick")
    answer = _client(people.hana).get(url, {"q": "特木尔", "field": "member_id"}, **HTMX)
    page = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in page
    assert page.count('type="radio" name="member_id"') == 3
    assert "150624-2026-900121" in page and "138****1111" in page and "13847701111" not in page
    assert "150624-2026-900777" not in page


def test_the_endpoint_keeps_who_is_ticked_on_top(people: Any, namesakes: Namesakes) -> None:
    ticked = namesakes.here[2]
    answer = _client(people.hana).get(
        reverse("households:member_pick"),
        {"q": "2222", "field": "members", "multi": "1", "members": [ticked.pk]},
        **HTMX,
    )
    page = answer.content.decode()
    assert page.index(f'value="{ticked.pk}" checked') < page.index(f'value="{namesakes.here[1].pk}"')


def test_the_endpoint_never_echoes_a_ticked_id_from_another_unit(people: Any, namesakes: Namesakes) -> None:
    answer = _client(people.hana).get(
        reverse("households:member_pick"),
        {"q": "特木尔", "multi": "1", "field": "members", "members": [namesakes.there.pk]},
        **HTMX,
    )
    assert f'value="{namesakes.there.pk}"' not in answer.content.decode()


def test_without_javascript_the_endpoint_is_a_page_with_a_get_form(people: Any, namesakes: Namesakes) -> None:
    answer = _client(people.hana).get(reverse("households:member_pick"), {"q": "1"}, **EN)
    page = answer.content.decode()
    assert answer.status_code == 200 and '<form method="get"' in page and "at least 2 characters" in page


@pytest.mark.parametrize("who", ["wang", "eve", "aude"])
def test_workers_employers_and_auditors_get_403(people: Any, namesakes: Namesakes, who: str) -> None:
    answer = _client(getattr(people, who)).get(reverse("households:member_pick"), {"q": "特木尔"}, **HTMX)
    assert answer.status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(namesakes: Namesakes) -> None:
    answer = Client().get(reverse("households:member_pick"), {"q": "特木尔"})
    assert answer.status_code == 302 and "login" in answer["Location"]
