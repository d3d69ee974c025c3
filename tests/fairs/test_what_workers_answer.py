"""A fair that is over asks nothing more of its attendees, and cancelling a registration asks first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fairs.models import Interview
from tests.fairs.conftest import FairWorld, register, today

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def three_weeks_ago(world: FairWorld) -> None:
    day = today() - dt.timedelta(days=21)
    world.fair.starts_on = world.fair.ends_on = day
    world.fair.registration_opens, world.fair.registration_closes = day - dt.timedelta(days=10), day
    world.fair.save()


def test_a_fair_three_weeks_ago_no_longer_asks_to_confirm(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.wang)
    interview = Interview.objects.create(fair=world.fair, booth=world.booth, attendee=attendee, slot=0, score=0.6)
    client = client_for(people.wang)
    url = reverse("fairs:mine", args=[world.fair.pk])
    assert "Confirm this interview" in client.get(url).content.decode()  # before the fair: it asks
    three_weeks_ago(world)
    page = client.get(url).content.decode()
    assert "Confirm this interview" not in page and "This fair is over." in page
    response = client.post(reverse("fairs:confirm", args=[interview.pk]), follow=True)
    assert "The fair is over" in response.content.decode()
    interview.refresh_from_db()
    assert interview.state == Interview.State.PROPOSED  # nothing written


def test_cancelling_a_registration_asks_for_confirmation(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.wang)
    page = client_for(people.wang).get(reverse("fairs:detail", args=[world.fair.pk])).content.decode()
    confirm = page[
        page.index('<details class="action">') : page.index("</details>", page.index('<details class="action">'))
    ]
    assert "Cancel my registration" in confirm
    assert f'action="{reverse("fairs:cancel", args=[attendee.pk])}"' in confirm  # the form sits behind the question
    assert "Yes, cancel my registration" in confirm


def test_a_past_fair_offers_no_cancelling(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.wang)
    three_weeks_ago(world)
    page = client_for(people.wang).get(reverse("fairs:detail", args=[world.fair.pk])).content.decode()
    assert reverse("fairs:cancel", args=[attendee.pk]) not in page
