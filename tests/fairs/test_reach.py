"""Who reaches which record through the fairs' pages and API, tried with the wrong persona and
with ids that are not ids: the answer is a 404 (or 403), never a 200 with data and never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fairs import services
from fairs.models import Attendee, Booth, CheckIn, Interview, JobFair
from households.models import Household
from tests.fairs.conftest import FairWorld, make_fair, on_the_day, register

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "olga", "bob", "hana", "aude", "wang", "eve")


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/fairs/{fair}/me/?attendee=abc"),
        ("get", "/fairs/{fair}/me/?attendee=99999999999999999999999"),
        ("get", "/api/v1/fairs/abc/report/"),
        ("post", "/api/v1/fairs/abc/register/"),
        ("post", "/api/v1/fairs/abc/booths/"),
        ("post", "/api/v1/fairs/abc/schedule/"),
        ("post", "/api/v1/fairs/abc/checkin/"),
        ("get", "/api/v1/fairs/booths/abc/"),
        ("get", "/api/v1/fairs/booths/abc/interviews/"),
        ("post", "/api/v1/fairs/booths/abc/decide/"),
        ("post", "/api/v1/fairs/booths/abc/slots/"),
        ("post", "/api/v1/fairs/booths/abc/walk-in/"),
        ("post", "/api/v1/fairs/interviews/abc/outcome/"),
        ("post", "/api/v1/fairs/interviews/1e9/outcome/"),
    ],
)
def test_an_id_that_is_not_a_number_is_not_found_not_a_server_error(
    world: FairWorld, people: Any, persona: str, method: str, url: str
) -> None:
    client = client_for(getattr(people, persona))
    response = getattr(client, method)(url.format(fair=world.fair.pk), {}, content_type="application/json")
    assert response.status_code in (403, 404)


def test_a_booth_of_a_draft_fair_is_not_found_for_those_who_cannot_see_the_fair(
    world: FairWorld, people: Any, tree: Any
) -> None:
    draft = make_fair(tree.town_a, name="筹备中的招聘会", state=JobFair.State.DRAFT)
    booth = Booth.objects.create(fair=draft, employer=world.frank_co, code="A01", status=Booth.Status.APPROVED)
    for user in (people.wang, people.eve, people.bob):
        assert client_for(user).get(f"/api/v1/fairs/booths/{booth.pk}/").status_code == 404
    assert client_for(people.olga).get(f"/api/v1/fairs/booths/{booth.pk}/").status_code == 200


def test_a_scan_id_used_at_another_fair_neither_names_its_attendee_nor_counts_here(
    world: FairWorld, people: Any, tree: Any
) -> None:
    on_the_day(world.fair)
    town_a_fair = on_the_day(make_fair(tree.town_a, name="乌兰镇招聘会"))
    li = register(town_a_fair, world.li)
    services.checkin_scan(fair=town_a_fair, by=people.olga, scan_id="s-1", code=li.code)
    wang = register(world.fair, world.wang)
    # Bob (town B) cannot reach the town A fair; he replays its scan id at the county fair.
    answer = client_for(people.bob).post(
        reverse("fair-checkin", args=[world.fair.pk]),
        {"scans": [{"id": "s-1", "code": wang.code}]},
        content_type="application/json",
    )
    result = answer.json()["results"][0]
    assert result["status"] == "invalid" and result["name"] == "" and "李娜" not in answer.content.decode()
    assert "another job fair" in result["message"]
    assert CheckIn.objects.count() == 1
    assert Attendee.objects.get(pk=wang.pk).checked_in_at is None


def test_registering_a_missing_member_looks_like_one_out_of_reach(
    world: FairWorld, people: Any, household_b: Household
) -> None:
    url = reverse("fair-register", args=[world.fair.pk])
    out_of_reach = household_b.members.get().pk
    missing = client_for(people.hana).post(url, {"member": 987654}, content_type="application/json")
    hidden = client_for(people.hana).post(url, {"member": out_of_reach}, content_type="application/json")
    assert missing.status_code == hidden.status_code == 404
    assert not Attendee.objects.exists()


@pytest.mark.parametrize("persona", ("bob", "hana", "aude", "wang", "eve"))
def test_no_one_but_the_booths_employer_and_the_organizers_above_sees_its_interview_list(
    world: FairWorld, people: Any, persona: str
) -> None:
    attendee = register(world.fair, world.li)
    Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=0, score=0.8)
    client = client_for(getattr(people, persona) if persona != "eve" else world.frank)
    for url in (f"/api/v1/fairs/booths/{world.booth.pk}/interviews/", reverse("fairs:booth", args=[world.booth.pk])):
        response = client.get(url)
        assert response.status_code in (403, 404) and "李娜" not in response.content.decode()
