"""Every role changes its password on the site's own page, in the site's style, and is told that it
worked; nothing on the page leads into the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
OLD = "pass-word-123"
NEW = "grass-land-2027"


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("persona", ["wang", "eve", "hana", "alice", "aude"])
def test_the_page_is_the_sites_own_for_every_role(client: Client, people: Any, household_a: Any, persona: str) -> None:
    user = getattr(people, persona)
    user.set_password(OLD)
    user.save()
    client.force_login(user)
    html = client.get(reverse("accounts:password_change")).content.decode()
    assert 'id="site-nav"' in html  # the site's top bar, not the admin's header
    assert "/admin/" not in html
    assert 'name="old_password"' in html and 'name="new_password2"' in html


def test_a_worker_changes_the_password_and_is_told_so(client: Client, people: Any, household_a: Any) -> None:
    people.wang.set_password(OLD)
    people.wang.save()
    client.force_login(people.wang)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.status_code == 200
    assert "Your password was changed." in response.content.decode()
    assert response.redirect_chain[0][0] == reverse("home")
    people.wang.refresh_from_db()
    assert people.wang.check_password(NEW)
    assert client.get(reverse("accounts:password_change")).status_code == 200  # still signed in


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"old_password": "wrong-one", "new_password1": NEW, "new_password2": NEW},
            "old password was entered incorrectly",
        ),
        ({"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}, "didn"),
        ({"old_password": OLD, "new_password1": "123", "new_password2": "123"}, "too short"),
        ({"old_password": OLD, "new_password1": "", "new_password2": ""}, "required"),
    ],
)
def test_a_bad_change_says_why_and_keeps_the_old_password(
    client: Client, people: Any, data: dict[str, str], error: str
) -> None:
    people.eve.set_password(OLD)
    people.eve.save()
    client.force_login(people.eve)
    response = client.post(reverse("accounts:password_change"), data)
    assert response.status_code == 400 and error in response.content.decode()
    people.eve.refresh_from_db()
    assert people.eve.check_password(OLD)
