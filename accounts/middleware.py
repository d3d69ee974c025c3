"""A person holding a temporary password (a helper reset it by phone) uses it for one thing:
choosing their own. Every page sends them to the site's password page until they have; logging
out, the large-text switch, the language switch and the service's health checks stay open. The
API is closed to them by ``accounts.permissions.PasswordChanged`` (a 403 that says why), so
this middleware lets ``/api/`` through to answer in JSON.

A page's own htmx requests (the top bar's notification badge polls) are not redirected: htmx would
follow the redirect and put the whole password page inside the badge, and that copy polls again.
From the password page they are told to stop polling; from any other page the browser is sent
there as a whole page (``HX-Redirect``)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling


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
            if request.headers.get("HX-Request") == "true":
                return self.htmx_answer(request)
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def htmx_answer(request: HttpRequest) -> HttpResponse:
        password_page = reverse("accounts:password_change")
        if urlsplit(request.headers.get("HX-Current-URL", "")).path == password_page:
            return HttpResponseStopPolling()
        return HttpResponseClientRedirect(password_page)
