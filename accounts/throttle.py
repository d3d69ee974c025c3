"""Slowing down password guessing and mass sign-up. Counted in the cache, so it holds across web
processes once CACHE_URL points at Redis.

* Per account: after ``LOGIN_FAILURE_LIMIT`` failed logins for one account, whichever string named
  it (the username or the mobile number, however typed), the account is locked for
  ``LOGIN_LOCKOUT_SECONDS``, even for the right password. A login string that names nobody is
  counted on its own, so that a lock never tells whether an account exists.
* Per client address: after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failed logins from one address, over
  any number of accounts (password spraying), that address may not log in for the same time.
* Sign-up: ``SignUpThrottle`` gives each client address one budget of company registrations for
  the page and the API together (the ``signup`` rate of ``REST_FRAMEWORK``).

The login page and the API's Basic authentication both go through ``accounts.backends``; the page's
form and ``accounts.authentication`` ask ``refusal`` first so that they can say why.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from accounts.phones import normalize_phone
from core.errors import InvalidInput

if TYPE_CHECKING:
    from accounts.models import User

LOCKED = "locked"  # this account had too many failed logins
ADDRESS = "address"  # this client address had too many failed logins


def client_address(request: Any) -> str:
    """The client's address as the API's throttles see it (``REST_FRAMEWORK["NUM_PROXIES"]``
    says how many proxies in front of us add to X-Forwarded-For)."""
    if request is None:
        return ""
    return str(BaseThrottle().get_ident(request) or "")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _login_key(login: str) -> str:
    text = login.strip()
    try:
        text = normalize_phone(text)
    except InvalidInput:
        text = text.casefold()
    return "login-failures:login:" + _digest(text)


def _account_key(user: User | None, login: str) -> str:
    return f"login-failures:user:{user.pk}" if user is not None else _login_key(login)


def _address_key(address: str) -> str:
    return "login-failures:address:" + _digest(address)


def _count(key: str) -> int:
    return int(cache.get(key, 0))


def _bump(key: str) -> None:
    # add() starts the window on the first failure only; incr() keeps its expiry.
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


_UNKNOWN: Any = object()


def refusal(login: str, request: HttpRequest | Any = None, *, user: User | None = _UNKNOWN) -> str | None:
    """Why a login with ``login`` from this request is refused before its password is checked:
    ``ADDRESS``, ``LOCKED``, or None. ``user`` is the account the login names, when the caller
    has looked it up already."""
    from accounts.selectors import user_for_login

    address = client_address(request)
    if address and _count(_address_key(address)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return ADDRESS
    account = user_for_login(login) if user is _UNKNOWN else user
    if _count(_account_key(account, login)) >= settings.LOGIN_FAILURE_LIMIT:
        return LOCKED
    return None


def record_failure(*, login: str, user: User | None, request: HttpRequest | Any = None) -> None:
    _bump(_account_key(user, login))
    address = client_address(request)
    if address:
        _bump(_address_key(address))


def reset(*, login: str, user: User) -> None:
    """A successful login clears the account's count (never the address's: a sprayer who guesses
    one password right has still tried the others)."""
    cache.delete_many([_account_key(user, login), _login_key(login)])


def unlock(user: User) -> None:
    """Lift an account's lock (a helper reset the password): its count, and those of the strings
    that name it."""
    cache.delete_many([_account_key(user, ""), *(_login_key(s) for s in (user.username, user.phone or "") if s)])


class SignUpThrottle(SimpleRateThrottle):
    """Company registrations per client address, one budget for the page and the API."""

    scope = "signup"

    def get_rate(self) -> str | None:
        # Read at each use, not at import: the rate is a setting like the others.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope, "20/hour")
        return str(rate) if rate is not None else None

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


def sign_up_allowed(request: HttpRequest) -> bool:
    """Count one sign-up attempt of the page against the address's budget."""
    # The throttle reads only the client's address, which a page's request carries as the API's does.
    return SignUpThrottle().allow_request(request, None)  # type: ignore[arg-type]
