"""Reads of the relief core that a user triggers, already limited to what that user may see.

For the assessment app (issue 14), the functions it can call are ``received_for_unit`` (what a
track gave in a period, for a unit's subtree) and ``worklist_for`` (a track's eligible-but-not-
served list for a unit's subtree); the 应保尽保 and mutual-aid gaps are
``relief.assistance.selectors.dibao_gap_for`` and ``relief.medical.selectors.mutual_aid_gap_for``.
Each takes the acting user and a unit, and answers within the user's reach only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from households.models import Household, Member
from relief import services
from relief.models import Application, Benefit, Decision
from relief.registry import Track, tracks


def _applications(user: User) -> QuerySet[Application]:
    return visibility.scope(user, Application.objects.all(), unit="org_unit", owner="household__members__user")


def _benefits(user: User) -> QuerySet[Benefit]:
    return visibility.scope(user, Benefit.objects.all(), unit="org_unit", owner="household__members__user")


def track_list() -> list[Track]:
    return list(tracks)


def application_list_for(
    user: User, *, track: str = "", state: str = "", unit: OrgUnit | None = None, query: str = ""
) -> QuerySet[Application]:
    rows = _applications(user)
    if track:
        rows = rows.filter(track=track)
    if state:
        rows = rows.filter(state=state)
    if unit is not None:
        rows = rows.filter(org_unit__path__startswith=unit.path)
    if query:
        rows = rows.filter(Q(household__number__startswith=query) | Q(member__name__startswith=query))
    return rows.select_related("member", "household", "org_unit", "created_by").order_by("-created_at", "-id")


def application_get_for(user: User, pk: Any) -> Application:
    application = (
        _applications(user)
        .select_related(
            "member__household__org_unit",
            "household__region",
            "org_unit",
            "created_by",
            "budget__source",
            "cash_request__transaction",
            "goods_request__transaction",
        )
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related("reviewer__org_unit")))
        .filter(pk=int_pk(pk))
        .first()
    )
    if application is None:
        raise NotFound(_("No such application."))
    return application


def review_queue_for(user: User) -> list[Application]:
    """Applications whose current step ``user`` may decide."""
    if not visibility.may(user, Action.REVIEW_RELIEF):
        return []
    waiting = (
        _applications(user)
        .filter(
            state__in=[
                Application.State.HELPER_REVIEW,
                Application.State.ORGANIZER_REVIEW,
                Application.State.UPPER_REVIEW,
            ]
        )
        .select_related("member", "household", "org_unit", "created_by")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related("reviewer__org_unit")))
        .order_by("created_at", "id")[:500]
    )
    return [a for a in waiting if not services.may_review(user, a)]


def payments_waiting_for(user: User) -> QuerySet[Application]:
    """Approved applications whose payment waits for a checker or for the payment."""
    return (
        _applications(user)
        .filter(state=Application.State.APPROVED)
        .filter(Q(cash_request__isnull=False) | Q(goods_request__isnull=False))
        .select_related("member", "household", "cash_request", "goods_request")
        .order_by("decided_at", "id")
    )


def my_applications(user: User) -> QuerySet[Application]:
    """A worker's page: the applications for their own household."""
    return (
        Application.objects.filter(household__members__user=user)
        .select_related("member")
        .prefetch_related("decisions")
        .order_by("-created_at")
    )


def household_history_for(user: User, household: Household) -> dict[str, Any]:
    """Everything the relief tracks did for one household: applications (with their decisions)
    and benefits, in a fixed number of queries."""
    if not visibility.scope(
        user, Household.objects.filter(pk=household.pk), unit="org_unit", owner="members__user"
    ).exists():
        raise NotFound(_("No such household."))
    applications = list(
        Application.objects.filter(household=household)
        .select_related("member")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related("reviewer")))
        .order_by("-created_at")
    )
    benefits = list(
        Benefit.objects.filter(household=household).select_related("member", "goal").order_by("-received_on")
    )
    return {"applications": applications, "benefits": benefits}


def benefit_list_for(
    user: User, *, track: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Benefit]:
    rows = _benefits(user)
    if track:
        rows = rows.filter(track=track)
    if start:
        rows = rows.filter(received_on__gte=start)
    if end:
        rows = rows.filter(received_on__lte=end)
    return rows.select_related("member", "household", "org_unit", "goal").order_by("-received_on", "-id")


def unit_in_reach(user: User, unit: OrgUnit | int | str | None) -> OrgUnit | None:
    """The unit asked for when the user may see it; the user's own unit when none is asked for."""
    if unit is None:
        return user.org_unit if visibility.is_unit_staff(user) else None
    pk = getattr(unit, "pk", unit)
    found = visibility.visible_units(user).filter(pk=int_pk(pk)).first()
    if found is None:
        raise NotFound(_("No such union unit."), field="unit")
    return found


@dataclass
class Received:
    track: str
    track_name: str
    benefits: int
    households: int
    people: int
    cash: int  # fen
    goods: int  # fen

    @property
    def total(self) -> int:
        return self.cash + self.goods


def received_for_unit(
    user: User, *, start: dt.date, end: dt.date, unit: OrgUnit | int | None = None, track: str = ""
) -> list[Received]:
    """What each track gave in [start, end] to the households of ``unit``'s subtree (the whole reach
    when no unit is given): benefits, households, people, cash and goods. One query."""
    rows = benefit_list_for(user, track=track, start=start, end=end)
    chosen = unit_in_reach(user, unit) if unit is not None else None
    if chosen is not None:
        rows = rows.filter(org_unit__path__startswith=chosen.path)
    totals: dict[str, dict[str, Any]] = {
        row["track"]: dict(row)
        for row in rows.order_by()
        .values("track")
        .annotate(
            n=Count("id"),
            households=Count("household_id", distinct=True),
            people=Count("member_id", distinct=True),
            cash=Sum("amount"),
            goods=Sum("goods_value"),
        )
    }
    out = []
    for entry in tracks:
        if track and entry.code != track:
            continue
        row: dict[str, Any] = totals.get(entry.code, {})
        out.append(
            Received(
                track=entry.code,
                track_name=entry.name,
                benefits=int(row.get("n") or 0),
                households=int(row.get("households") or 0),
                people=int(row.get("people") or 0),
                cash=int(row.get("cash") or 0),
                goods=int(row.get("goods") or 0),
            )
        )
    return out


def worklist_for(
    user: User, track: Track, *, unit: OrgUnit | int | None = None, on: dt.date | None = None
) -> QuerySet[Member]:
    """The track's eligible-but-not-served list, for the members in the user's reach (of ``unit``'s
    subtree, when given)."""
    if track.worklist is None or not visibility.may(user, Action.VIEW_RELIEF):
        return Member.objects.none()
    members = visibility.scope(user, Member.objects.all(), unit="household__org_unit")
    chosen = unit_in_reach(user, unit) if unit is not None else None
    if chosen is not None:
        members = members.filter(household__org_unit__path__startswith=chosen.path)
    return track.worklist(members, on or timezone.localdate()).order_by("household__number", "pk")


def dashboard_counts_for(user: User) -> dict[str, int]:
    if not visibility.may(user, Action.VIEW_RELIEF):
        return {}
    return {
        "to_review": len(review_queue_for(user)),
        "payments_waiting": payments_waiting_for(user).count(),
    }
