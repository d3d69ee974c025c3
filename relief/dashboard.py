"""The relief lists that get a count on the staff dashboard: each registered once (by the core or
by a track module's ``relief.py``), counted for the user only when their role may open the list.
``web/views.py`` loops over them and never names one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action


@dataclass(frozen=True)
class DashboardList:
    code: str
    label: Any  # lazy translation
    count_for: Callable[[User], int]  # already scoped to the user's reach
    url_name: str
    query: str = ""  # appended to the page's url ("?overdue=1")
    action: Action = Action.VIEW_RELIEF
    tone: str = "warn"
    order: int = 100

    def url(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


TITLE = _("Relief cases and worklists")  # the dashboard's heading over these tiles
_lists: dict[str, DashboardList] = {}


def register(entry: DashboardList) -> DashboardList:
    existing = _lists.get(entry.code)
    if existing is not None and existing is not entry:
        raise ValueError(f"A relief dashboard list {entry.code!r} is registered already.")
    _lists[entry.code] = entry
    return entry


def lists() -> list[DashboardList]:
    return sorted(_lists.values(), key=lambda e: (e.order, e.code))


def tiles_for(user: User) -> list[dict[str, Any]]:
    """(label, count, url, tone) of every list the user's role may open."""
    tiles = []
    for entry in lists():
        if not visibility.may(user, entry.action):
            continue
        count = entry.count_for(user)
        tiles.append(
            {
                "key": entry.code,
                "label": entry.label,
                "count": count,
                "url": entry.url(),
                "tone": entry.tone if count else "",
            }
        )
    return tiles
