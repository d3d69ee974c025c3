"""The personal-data access log, for the people who audit it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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
