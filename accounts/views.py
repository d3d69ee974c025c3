"""The personal-data access log, for the people who audit it, and changing one's own password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors, visibility
from accounts.models import User
from core.models import SensitiveAccess


class AuthedRequest(HttpRequest):
    """What a view behind ``login_required`` receives: the user is a real ``User``."""

    user: User  # type: ignore[assignment]


@login_required
def access_log(request: AuthedRequest) -> HttpResponse:
    if not visibility.may(request.user, visibility.Action.VIEW_AUDIT_TRAIL):
        raise PermissionDenied(_("Your role does not allow this."))
    purpose = request.GET.get("purpose", "")
    username = request.GET.get("user", "").strip()
    rows = selectors.access_log_for(request.user, purpose=purpose, username=username)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access_log.html",
        {
            "page": page,
            "purposes": SensitiveAccess.Purpose.choices,
            "purpose": purpose,
            "username": username,
        },
    )


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Every role changes its password on the site's own page (not the admin's, whose links send
    everyone else to the admin login), and hears that it worked."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    success_message = gettext_lazy("Your password was changed.")

    def form_invalid(self, form: Any) -> HttpResponse:
        # As every form page of the site: a form coming back with errors answers 400.
        response = super().form_invalid(form)
        response.status_code = 400
        return response
