"""Reset by phone: a helper or organizer of the worker's unit gives a forgotten password back on
the site. The system makes a one-time temporary password, shows it once, logs the reset, and the
worker must choose their own at the next login: every page leads to the password page and the
API refuses them until then."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from core.models import SensitiveAccess
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
OLD = "pass-word-123"
MINE = "grass-land-2027"


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def wang_member(people: Any, household_a: Any) -> Any:
    people.wang.set_password(OLD)
    people.wang.save()
    return household_a.members.get(user=people.wang)


def _reset_url(member: Any) -> str:
    return reverse("households:member_password_reset", args=[member.pk])


def _temporary_password(html: str) -> str:
    found = re.search(r'data-testid="temporary-password"><strong>([a-z0-9]+)</strong>', html)
    assert found, html
    return found.group(1)


def _reset(client: Client, by: Any, member: Any) -> str:
    client.force_login(by)
    response = client.post(_reset_url(member))
    assert response.status_code == 200
    return _temporary_password(response.content.decode())


@pytest.mark.parametrize("persona", ["hana", "olga", "alice"])
def test_a_helper_or_organizer_of_the_unit_resets_and_sees_the_password_once(
    client: Client, people: Any, wang_member: Any, persona: str
) -> None:
    password = _reset(client, getattr(people, persona), wang_member)
    assert len(password) == 10
    people.wang.refresh_from_db()
    assert people.wang.must_change_password
    assert people.wang.check_password(password) and not people.wang.check_password(OLD)
    assert password not in people.wang.password  # stored as a hash only
    # shown once: the household page does not show it again
    assert password not in client.get(reverse("households:detail", args=[wang_member.household_id])).content.decode()


def test_the_reset_is_written_to_the_access_log(client: Client, people: Any, wang_member: Any) -> None:
    _reset(client, people.hana, wang_member)
    row = SensitiveAccess.objects.get(record_type="accounts.User", record_id=str(people.wang.pk))
    assert (row.user, row.field, row.purpose) == (people.hana, "password", SensitiveAccess.Purpose.VERIFY_IDENTITY)


def test_each_reset_makes_a_different_password(client: Client, people: Any, wang_member: Any) -> None:
    assert _reset(client, people.hana, wang_member) != _reset(client, people.hana, wang_member)


def test_the_household_page_offers_the_reset_as_a_form_not_a_link(
    client: Client, people: Any, wang_member: Any
) -> None:
    client.force_login(people.hana)
    html = client.get(reverse("households:detail", args=[wang_member.household_id])).content.decode()
    assert f'<form method="post" action="{_reset_url(wang_member)}"' in html


def test_at_the_next_login_every_page_leads_to_the_password_page(client: Client, people: Any, wang_member: Any) -> None:
    password = _reset(client, people.hana, wang_member)
    _log_in_again(client, "wang", password)
    for url in (reverse("home"), reverse("me:home"), reverse("jobs:search")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("accounts:password_change"), url
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "Your password was reset by a helper" in page.content.decode()
    assert client.get(settings.STATIC_URL + "css/app.css").status_code in (200, 404)  # never redirected
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_the_api_refuses_with_a_clear_message_until_the_password_is_changed(
    client: Client, people: Any, wang_member: Any
) -> None:
    password = _reset(client, people.hana, wang_member)
    _log_in_again(client, "wang", password)
    response = client.get("/api/v1/postings/")
    assert response.status_code == 403
    assert "reset by a helper" in response.json()["detail"]


def test_after_choosing_their_own_password_the_worker_is_free_again(
    client: Client, people: Any, wang_member: Any
) -> None:
    password = _reset(client, people.hana, wang_member)
    _log_in_again(client, "wang", password)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": MINE, "new_password2": MINE},
    )
    assert response.status_code == 302
    people.wang.refresh_from_db()
    assert not people.wang.must_change_password and people.wang.check_password(MINE)
    assert client.get(reverse("me:home")).status_code == 200
    assert client.get("/api/v1/postings/").status_code == 200


def test_a_helper_of_another_unit_cannot_reset(client: Client, tree: Any, people: Any, wang_member: Any) -> None:
    stranger = UserFactory(role=Role.HELPER, org_unit=tree.town_b)
    client.force_login(stranger)
    assert client.post(_reset_url(wang_member)).status_code == 404
    client.force_login(people.bob)  # the organizer of the sibling town
    assert client.post(_reset_url(wang_member)).status_code == 404
    _assert_untouched(people.wang)


@pytest.mark.parametrize("persona", ["wang", "eve", "aude"])
def test_roles_that_do_not_edit_the_archive_are_refused(
    client: Client, people: Any, wang_member: Any, persona: str
) -> None:
    client.force_login(getattr(people, persona))
    assert client.post(_reset_url(wang_member)).status_code == 403
    _assert_untouched(people.wang)


def test_a_get_does_not_reset(client: Client, people: Any, wang_member: Any) -> None:
    client.force_login(people.hana)
    assert client.get(_reset_url(wang_member)).status_code == 405
    _assert_untouched(people.wang)


def test_a_post_without_the_csrf_token_is_refused(people: Any, wang_member: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people.hana)
    assert strict.post(_reset_url(wang_member)).status_code == 403
    _assert_untouched(people.wang)


def test_a_staff_account_is_never_reset_by_phone(client: Client, people: Any, household_a: Any) -> None:
    colleague = UserFactory(role=Role.HELPER, org_unit=household_a.org_unit, phone="13847700077")
    colleague.set_password(OLD)
    colleague.save()
    member = MemberFactory(household=household_a, name="同事", relation="spouse", user=colleague)
    client.force_login(people.hana)
    response = client.post(_reset_url(member))
    assert response.status_code == 400
    assert "Only a worker" in response.content.decode()
    _assert_untouched(colleague)


def test_a_member_without_a_login_is_told_so(client: Client, people: Any, household_a: Any) -> None:
    member = MemberFactory(household=household_a, name="王小红", relation="spouse")
    client.force_login(people.hana)
    response = client.post(_reset_url(member))
    assert response.status_code == 400 and "has no login yet" in response.content.decode()
    assert not SensitiveAccess.objects.filter(record_type="accounts.User").exists()


def _log_in_again(client: Client, username: str, password: str) -> None:
    client.logout()  # which forgets the cookies, the language's too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=username, password=password)


def _assert_untouched(user: Any) -> None:
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(OLD)
    assert not SensitiveAccess.objects.filter(record_type="accounts.User", record_id=str(user.pk)).exists()


def test_a_pages_htmx_request_is_not_answered_with_the_password_page(
    client: Client, people: Any, wang_member: Any
) -> None:
    """The top bar's badge polls with htmx: a redirect would put the password page inside the bar.
    From the password page the poll is told to stop (286); from another page the browser is sent
    to the password page as a whole page (HX-Redirect)."""
    password = _reset(client, people.hana, wang_member)
    _log_in_again(client, "wang", password)
    badge = reverse("notifications:badge")
    on_password_page = client.get(
        badge, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver" + reverse("accounts:password_change")
    )
    assert on_password_page.status_code == 286 and not on_password_page.content
    elsewhere = client.get(badge, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/me/")
    assert elsewhere.status_code == 200 and not elsewhere.content
    assert elsewhere["HX-Redirect"] == reverse("accounts:password_change")
    assert client.get(badge).status_code == 302  # a plain request is still redirected
