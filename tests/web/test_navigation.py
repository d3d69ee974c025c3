"""The top bar as data (web/navigation.py): links grouped by task for each kind of user, each link
only for the roles holding its action, and the group the user is in marked as current."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import visibility
from web import navigation

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def groups_of(html: str) -> list[str]:
    return re.findall(r'class="nav-group(?: current)?" data-group="(\w+)"', html)


def test_every_link_of_every_menu_resolves() -> None:
    for menu in (navigation.STAFF, navigation.WORKER, navigation.EMPLOYER, navigation.OTHER):
        for group in menu:
            for link in group.links:
                assert reverse(link.url_name).startswith("/")


def test_the_organizer_sees_the_tasks_in_seven_groups_and_no_more(client: Client, people: Any) -> None:
    client.force_login(people.alice)
    html = client.get(reverse("home")).content.decode()
    assert groups_of(html) == ["archive", "jobs", "training", "fairs", "ventures", "funds", "assessment"]
    assert html.count('<li class="nav-group') == 8  # the seven, and the account's


@pytest.mark.parametrize(
    ("persona", "groups"),
    [
        ("wang", ["archive", "jobs", "training", "fairs", "ventures"]),
        ("eve", ["company", "hiring", "fairs"]),
    ],
)
def test_workers_and_employers_get_their_own_groups(
    client: Client, people: Any, household_a: Any, persona: str, groups: list[str]
) -> None:
    client.force_login(getattr(people, persona))
    assert groups_of(client.get(reverse("home"), follow=True).content.decode()) == groups


def test_each_link_needs_its_actions(people: Any) -> None:
    helper = navigation.menu(visibility.describe(people.hana)["actions"], "/")
    urls = {link["url"] for group in helper for link in group["links"]}
    assert reverse("jobs:follow_ups") in urls
    assert reverse("jobs:review_postings") not in urls  # helpers do not review postings
    assert reverse("households:import") not in urls


def test_the_group_and_link_the_user_is_in_are_current(client: Client, people: Any) -> None:
    client.force_login(people.alice)
    html = client.get(reverse("jobs:review_postings")).content.decode()
    assert re.findall(r'class="nav-group current" data-group="(\w+)"', html) == ["jobs"]
    assert f'<a href="{reverse("jobs:review_postings")}" aria-current="page">' in html
    record = navigation.menu(visibility.describe(people.alice)["actions"], "/households/12/")
    assert [g["key"] for g in record if g["current"]] == ["archive"]
    home = navigation.menu(visibility.describe(people.alice)["actions"], "/")
    assert [link["url"] for g in home for link in g["links"] if link["current"]] == ["/"]
