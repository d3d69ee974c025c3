"""Every read a user triggers, scoped to what that user may see: their own inbox; the delivery
log for staff whose reach covers the event (``accounts.visibility``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from notifications import registry
from notifications.models import Channel, Delivery, Notification
from notifications.services import ACTION_LABELS


def inbox_for(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    return rows.filter(read_at__isnull=True) if unread else rows


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_get_for(user: User, pk: Any) -> Notification:
    found = Notification.objects.filter(pk=int_pk(pk), recipient_id=user.pk).first()
    if found is None:
        raise NotFound(_("No such notification."))
    return found


@dataclass(frozen=True)
class Shown:
    """A notification as the inbox shows it, in the reader's language."""

    notification: Notification
    title: str
    body: str
    label: str
    actions: list[dict[str, Any]]


def title_of(notification: Notification) -> str:
    kind = registry.find(notification.kind)
    return kind.render(notification.context)[0] if kind else notification.kind


def shown(notification: Notification) -> Shown:
    kind = registry.find(notification.kind)
    title, body = kind.render(notification.context) if kind else (notification.kind, "")
    actions = [
        {**action, "text": str(ACTION_LABELS.get(action.get("label", ""), action.get("label", "")))}
        for action in (notification.actions or [])
        if notification.resolved_at is None
    ]
    return Shown(notification, title, body, str(kind.label) if kind else "", actions)


def may_read_log(user: User) -> bool:
    return visibility.may(user, Action.VIEW_AUDIT_TRAIL)


def delivery_log_for(user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Delivery]:
    """Deliveries of events in the user's reach (an admin: all). Addresses are stored masked."""
    if not may_read_log(user):
        raise NotFound(_("Not found."))
    rows = visibility.scope(
        user, Delivery.objects.select_related("notification__recipient"), unit="notification__unit"
    ).order_by("-id")
    filters = filters or {}
    if filters.get("channel") in Channel.values:
        rows = rows.filter(channel=filters["channel"])
    if filters.get("state") in Delivery.State.values:
        rows = rows.filter(state=filters["state"])
    if filters.get("kind"):
        rows = rows.filter(notification__kind=str(filters["kind"])[:64])
    return rows
