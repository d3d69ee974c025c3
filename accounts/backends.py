from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts import throttle
from accounts.models import User
from accounts.selectors import user_for_login


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the mobile number, whichever the person remembers.

    Failed attempts count against the account (whichever spelling named it) and against the client
    address (``accounts.throttle``); while either is over its limit not even the right password
    gets in."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        user = user_for_login(username)
        if throttle.refusal(username, request, user=user) is not None:
            return None
        if user is None:
            # Spend the same time as a real check so that timing does not reveal who exists.
            User().set_password(password)
            throttle.record_failure(login=username, user=None, request=request)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            throttle.reset(login=username, user=user)
            return user
        throttle.record_failure(login=username, user=user, request=request)
        return None
