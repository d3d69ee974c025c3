from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import visibility
from accounts.models import Role, User
from accounts.visibility import Action
from households.selectors import dashboard_counts_for

# The dashboard's tiles: (count key, label, list filter or None for the exit-request page, tone).
DASHBOARD_TILES = [
    ("active", _("Households in hardship"), {"state": "active"}, ""),
    ("draft", _("Draft archives"), {"state": "draft"}, ""),
    ("no_helper", _("Without a responsible helper"), {"no_helper": "1"}, "warn"),
    ("overdue_visit", _("Visit overdue"), {"overdue_visit": "1"}, "alert"),
    ("follow_up", _("Exited, still followed up"), {"state": "exited"}, ""),
    ("exit_pending", _("Exit requests to decide"), None, "warn"),
]


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]


def home(request: HttpRequest) -> HttpResponse:
    """The public front page for visitors; each role's starting page once logged in."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    user = cast(User, request.user)
    if user.role == Role.WORKER:
        return redirect("me:home")
    if not visibility.may(user, Action.VIEW_ARCHIVE):
        # Employers: their pages (postings, applicants) come with the jobs app.
        return render(request, "home.html", {"placeholder": True})
    counts = dashboard_counts_for(user)
    may_decide = visibility.may(user, Action.APPROVE_EXIT)
    list_url = reverse("households:list")
    tiles = []
    for key, label, params, tone in DASHBOARD_TILES:
        if params is None:
            if not may_decide:
                continue
            url = reverse("households:exits")
        else:
            url = f"{list_url}?{urlencode(params)}"
        tiles.append(
            {"key": key, "label": label, "count": counts[key], "url": url, "tone": tone if counts[key] else ""}
        )
    return render(request, "home.html", {"tiles": tiles, "unit": user.org_unit})


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
