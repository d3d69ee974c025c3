"""The API's Basic authentication, with the login throttles of the login page: a locked account or
a blocked client address is answered 429 with Retry-After, before any password is checked."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.authentication import BasicScheme
from rest_framework import authentication
from rest_framework.exceptions import Throttled

from accounts import throttle


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
        reason = throttle.refusal(userid, request)
        if reason is not None:
            raise Throttled(wait=settings.LOGIN_LOCKOUT_SECONDS, detail=throttle_message(reason))
        return super().authenticate_credentials(userid, password, request)


def throttle_message(reason: str) -> str:
    minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
    if reason == throttle.ADDRESS:
        return _("Too many failed logins from your network. Wait %(minutes)d minutes and try again.") % {
            "minutes": minutes
        }
    return _(
        "Too many failed attempts. Wait %(minutes)d minutes and try again, or ask your helper to reset your password."
    ) % {"minutes": minutes}


class BasicAuthenticationScheme(BasicScheme):
    """The OpenAPI description of ``BasicAuthentication`` (plain Basic authentication)."""

    target_class = "accounts.authentication.BasicAuthentication"
