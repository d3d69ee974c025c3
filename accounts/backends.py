from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts import throttle
from accounts.models import User
from accounts.phones import normalize_phone
from core.errors import InvalidInput


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the mobile number, whichever the person remembers."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        if throttle.is_locked(username):
            return None  # locked: not even a correct password gets in until the lock expires
        login = username.strip()
        user = User.objects.filter(username=login).first()
        if user is None:
            try:
                phone = normalize_phone(login)
            except InvalidInput:
                phone = None
            if phone:
                user = User.objects.filter(phone=phone).first()
        if user is None:
            # Spend the same time as a real check so that timing does not reveal who exists.
            User().set_password(password)
            throttle.record_failure(username)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            throttle.reset(username)
            return user
        throttle.record_failure(username)
        return None
