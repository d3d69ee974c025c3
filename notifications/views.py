"""Pages: the inbox (with mark-read and mark-all-read), the unread badge the top bar refreshes
with htmx, preferences, and the delivery log for staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.views import AuthedRequest
from core.errors import DomainError, NotFound
from notifications import registry, selectors, services
from notifications.models import Channel, Delivery

CHANGED = "notifications-changed"  # the htmx event the badge listens for


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    unread = request.GET.get("show") == "unread"
    page = Paginator(selectors.inbox_for(request.user, unread=unread), 30).get_page(request.GET.get("page"))
    items = [selectors.shown(n) for n in page.object_list]
    return render(request, "notifications/inbox.html", {"page": page, "items": items, "unread": unread})


@login_required
@require_GET
def badge(request: AuthedRequest) -> HttpResponse:
    return render(request, "notifications/_badge_count.html", {"count": selectors.unread_count(request.user)})


@login_required
@require_GET
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; opening it reads it."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    link = notification.link or ""
    if not link or not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect("notifications:inbox")
    return redirect(link)


@login_required
@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "notifications/_item.html", {"item": selectors.shown(notification)})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    user = request.user
    kinds = registry.kinds() if user.is_superuser else registry.kinds_for(user.role)
    outside = [c for c in Channel if c.value in _configured()]
    if request.method == "POST":
        try:
            services.preferences_update(
                user=user,
                channel_switches={c.value: request.POST.get(f"channel-{c.value}") == "on" for c in outside},
                quiet_from=request.POST.get("quiet_from", ""),
                quiet_until=request.POST.get("quiet_until", ""),
                kind_choices=[
                    {"kind": k.code, "channel": c.value, "enabled": request.POST.get(f"{k.code}:{c.value}") == "on"}
                    for k in kinds
                    for c in outside
                ],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your choices are saved; they count from the next message."))
            return redirect("notifications:preferences")
    current = services.preferences_of(user)
    choices = services.kind_choices_of(user)
    rows = [
        {
            "kind": k,
            "cells": [{"channel": c, "name": f"{k.code}:{c.value}", "on": choices[(k.code, c.value)]} for c in outside],
        }
        for k in kinds
    ]
    return render(
        request,
        "notifications/preferences.html",
        {
            "preferences": current,
            "channels": outside,
            "switches": [{"channel": c, "on": current.channel_on(c.value)} for c in outside],
            "rows": rows,
            "cap": settings.NOTIFICATIONS_DAILY_CAP,
        },
    )


def _configured() -> list[str]:
    from notifications import channels

    return channels.configured()


@login_required
@require_GET
def delivery_log(request: AuthedRequest) -> HttpResponse:
    try:
        rows = selectors.delivery_log_for(request.user, request.GET)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page = Paginator(rows, 10).get_page(request.GET.get("page"))  # within 8 phone screens (issue 19)
    entries = [(d, selectors.title_of(d.notification)) for d in page.object_list]
    return render(
        request,
        "notifications/log.html",
        {
            "page": page,
            "entries": entries,
            "channels": Channel.choices,
            "states": Delivery.State.choices,
            "channel": request.GET.get("channel", ""),
            "state": request.GET.get("state", ""),
        },
    )
