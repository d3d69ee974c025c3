"""Finding 7: failed logins are counted per account, whichever spelling named it (username or
mobile number), and per client address (password spraying over many accounts), on the login page
and on the API's Basic authentication."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory
from tests.security.conftest import basic

PASSWORD = "pass-word-123"


def _login(client: Client, login: str, password: str, address: str = "192.0.2.10") -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": login, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_lock_by_username_also_holds_for_the_mobile_number(client: Client, people: Any) -> None:
    for _ in range(5):
        _login(client, "wang", "wrong")

    answer = _login(client, "13847700001", PASSWORD)

    assert SESSION_KEY not in client.session
    assert "Too many failed attempts" in answer.content.decode()


def test_failures_through_both_spellings_add_up_to_one_budget(client: Client, people: Any) -> None:
    for login in ("wang", "13847700001", "wang", "138 4770 0001", "wang"):
        _login(client, login, "wrong")

    _login(client, "wang", PASSWORD)

    assert SESSION_KEY not in client.session


def test_the_api_lock_covers_the_phone_alias_and_answers_429(client: Client, people: Any) -> None:
    for _ in range(5):
        client.get("/api/v1/me/", **basic("wang", "wrong"), REMOTE_ADDR="192.0.2.11")

    answer = client.get("/api/v1/me/", **basic("13847700001", PASSWORD), REMOTE_ADDR="192.0.2.11")

    assert answer.status_code == 429
    assert "Retry-After" in answer.headers


def test_spraying_one_password_over_many_accounts_from_one_address_is_stopped(
    client: Client, db: Any, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    victims = [UserFactory(username=f"victim{n}", role=Role.WORKER) for n in range(30)]
    target = UserFactory(username="target", role=Role.WORKER)

    codes = [
        client.get("/api/v1/me/", **basic(v.username, "Spring2026!"), REMOTE_ADDR="198.51.100.66").status_code
        for v in victims
    ]
    with_the_right_password = client.get("/api/v1/me/", **basic(target.username, PASSWORD), REMOTE_ADDR="198.51.100.66")
    page = _login(client, target.username, PASSWORD, address="198.51.100.66")
    elsewhere = client.get("/api/v1/me/", **basic(target.username, PASSWORD), REMOTE_ADDR="203.0.113.5")

    assert set(codes[:20]) <= {401, 403}  # a wrong password (DRF answers 403 when sessions come first)
    assert set(codes[20:]) == {429}
    assert with_the_right_password.status_code == 429
    assert SESSION_KEY not in client.session
    assert "Too many failed logins from your network" in page.content.decode()
    assert elsewhere.status_code == 200  # the address is blocked, not the account


def test_an_unknown_login_locks_like_a_real_one(client: Client, people: Any) -> None:
    """A lock must not tell whether an account exists: nobody and somebody lock alike."""
    for _ in range(5):
        _login(client, "nobody-here", "wrong")
        _login(client, "olga", "wrong")

    nobody = _login(client, "nobody-here", "wrong").content.decode()
    olga = _login(client, "olga", "wrong").content.decode()

    assert "Too many failed attempts" in nobody
    assert "Too many failed attempts" in olga
