"""Findings 5 and 6: a username that looks like a mobile number belongs to the owner of that number
(nobody can squat a helper's or a member's phone), and signing up never tells whether a phone
number has an account (workers' logins are their phones: that would reveal who is in the
hardship archive)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Role, User
from core.errors import InvalidInput
from households import services as household_services
from jobs.models import Employer
from tests.factories import HouseholdFactory, MemberFactory, UserFactory
from tests.jobs.conftest import fresh_uscc

PASSWORD = "Grass-land-2026"


def _body(**values: Any) -> dict[str, Any]:
    body = {
        "name": "恒信商贸有限公司",
        "uscc": fresh_uscc(),
        "contact_name": "赵经理",
        "contact_phone": "13947719876",
        "region": "150624",
        "industry": "retail",
        "username": "hengxin",
        "password": PASSWORD,
    }
    body.update(values)
    return body


def _register(client: Client, **values: Any) -> Any:
    return client.post("/api/v1/employers/register/", _body(**values), content_type="application/json")


@pytest.fixture
def helper_with_phone(tree: Any) -> User:
    return UserFactory(username="helper_x", role=Role.HELPER, org_unit=tree.station_a, phone="13947710000")


# --- finding 5: phone numbers as usernames -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["13947710000", "139 4771 0000", "+86 139-4771-0000"])
def test_a_sign_up_cannot_take_a_helpers_phone_as_its_username(
    client: Client, helper_with_phone: User, typed: str
) -> None:
    answer = _register(client, username=typed)

    assert answer.status_code == 400
    assert answer.json()["field"] == "username"
    assert not Employer.objects.exists()
    # The helper still logs in with the phone.
    assert client.login(username="13947710000", password="pass-word-123")


def test_a_sign_up_cannot_squat_a_members_phone_before_the_helper_gives_them_a_login(
    client: Client, people: Any, tree: Any
) -> None:
    member = MemberFactory(household=HouseholdFactory(org_unit=tree.station_a), phone="13647719999")

    squat = _register(client, username="13647719999")
    login = household_services.member_account_create(member=member, by=people.hana, password="Pass-word-2026x")

    assert squat.status_code == 400
    assert login.username == "13647719999" and login.phone == "13647719999"


def test_no_account_may_be_named_after_someone_elses_phone(tree: Any, helper_with_phone: User) -> None:
    with pytest.raises(InvalidInput) as refusal:
        account_services.user_create(username="13947710000", password=PASSWORD, role=Role.EMPLOYER)
    assert refusal.value.field == "username"
    # The owner of a number may be named after it (workers' logins are their phones).
    own = account_services.user_create(
        username="13647710001", password=PASSWORD, role=Role.WORKER, phone="136 4771 0001"
    )
    assert own.phone == "13647710001"


def test_an_older_account_named_after_a_phone_no_longer_stands_in_front_of_its_owner(
    client: Client, helper_with_phone: User
) -> None:
    UserFactory(username="13947710000", role=Role.EMPLOYER)  # created before the rule

    client.post(reverse("accounts:login"), {"username": "13947710000", "password": "pass-word-123"})

    assert int(client.session[SESSION_KEY]) == helper_with_phone.pk


# --- finding 6: sign-up reveals no account ---------------------------------------------------------------


def test_signing_up_with_a_workers_phone_answers_as_with_a_new_one(client: Client, people: Any) -> None:
    """Wang's phone (13847700001) is his login: the sign-up must not say so."""
    taken = _register(client, contact_phone="13847700001", username="first_co")
    fresh = _register(client, contact_phone="13947712345", username="second_co")

    assert taken.status_code == fresh.status_code == 201
    assert taken.json().keys() == fresh.json().keys()
    assert "phone" not in str(taken.json()).replace("contact_phone", "")


def test_a_phone_like_username_is_refused_in_the_same_words_whoever_owns_it(client: Client, people: Any) -> None:
    owned = _register(client, username="13847700001")  # Wang's
    free = _register(client, username="13947700999")  # nobody's

    assert owned.status_code == free.status_code == 400
    assert owned.json() == free.json()


def test_the_sign_up_page_does_not_say_a_phone_is_registered(client: Client, people: Any, tree: Any) -> None:
    from tests.jobs.test_pages import register_data

    page = client.post(
        reverse("jobs:employer_register"),
        register_data(contact_phone="13847700001", username="third_co"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert page.status_code == 302
    assert Employer.objects.filter(contact_phone="13847700001").exists()
    assert User.objects.get(username="third_co").phone is None  # never a second login on Wang's phone


def test_a_self_registered_login_is_only_its_username_until_the_union_verifies_the_company(
    client: Client, people: Any
) -> None:
    from jobs import services as job_services

    assert _register(client, contact_phone="13947712345").status_code == 201
    login = User.objects.get(username="hengxin")
    assert login.phone is None

    job_services.employer_verify(employer=Employer.objects.get(), by=people.alice, approve=True)

    login.refresh_from_db()
    assert login.phone == "13947712345"  # the verified contact phone now logs in too
