"""The unread badge in the top bar: rendered empty, filled by htmx right after the page loads and
every ``NOTIFICATIONS_BADGE_POLL_SECONDS`` after, so no page pays for the count while it renders."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("notifications/_badge.html")
def unread_badge() -> dict[str, Any]:
    return {"poll": int(settings.NOTIFICATIONS_BADGE_POLL_SECONDS)}
