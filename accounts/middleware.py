"""A person holding a temporary password (a helper reset it by phone) uses it for one thing:
choosing their own. Every page sends them to the site's password page until they have; logging
out, the large-text switch, the language switch and the service's health checks stay open. The
API is closed to them by ``accounts.permissions.PasswordChanged`` (a 403 that says why), so
this middleware lets ``/api/`` through to answer in JSON."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:password_change"),
        reverse("accounts:logout"),
        reverse("accounts:text_size"),
        reverse("set_language"),
        reverse("health"),
        reverse("ready"),
        "/" + settings.STATIC_URL.lstrip("/"),
        "/api/",
    )


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_open_paths())
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)
