"""Slowing down password guessing: after too many failed logins for one account, it is locked for
a while. Counted per account (username or phone, normalised), in the cache, so it holds across
web processes once CACHE_URL points at Redis. Both the login page and the API's basic
authentication go through the backend, so both are covered."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from accounts.phones import normalize_phone
from core.errors import InvalidInput


def _key(login: str) -> str:
    text = login.strip()
    try:
        text = normalize_phone(text)
    except InvalidInput:
        text = text.casefold()
    return "login-failures:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_locked(login: str) -> bool:
    return int(cache.get(_key(login), 0)) >= settings.LOGIN_FAILURE_LIMIT


def record_failure(login: str) -> None:
    key = _key(login)
    # add() starts the window on the first failure only; incr() keeps its expiry.
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def reset(login: str) -> None:
    cache.delete(_key(login))
