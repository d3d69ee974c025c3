"""Reads of care, within the user's reach: the station register, rights-month events, a member's
care marks and health checks."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from households.models import Member
from relief.care.models import CareMark, HealthCheck, RightsEvent, Station


def station_list_for(user: User) -> QuerySet[Station]:
    if not visibility.may(user, Action.VIEW_RELIEF):
        return Station.objects.none()
    return visibility.scope(user, Station.objects.all(), unit="org_unit").select_related("org_unit", "employer")


def event_list_for(user: User) -> QuerySet[RightsEvent]:
    if not visibility.may(user, Action.VIEW_RELIEF):
        return RightsEvent.objects.none()
    return (
        visibility.scope(user, RightsEvent.objects.all(), unit="org_unit")
        .select_related("org_unit")
        .annotate(attended=Count("attendance"))
        .order_by("-held_on", "-id")  # an annotated (grouped) query keeps no Meta ordering
    )


def event_get_for(user: User, pk: Any) -> RightsEvent:
    found = event_list_for(user).filter(pk=int_pk(pk)).first()
    if found is None:
        raise NotFound(_("No such event."))
    return found


def member_get_for(user: User, pk: Any) -> Member:
    if not visibility.may(user, Action.VIEW_RELIEF):
        raise NotFound(_("No such member."))
    found = (
        visibility.scope(user, Member.objects.all(), unit="household__org_unit")
        .select_related("household__org_unit")
        .filter(pk=int_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("No such member."))
    return found


def care_of(member: Member) -> tuple[CareMark | None, list[HealthCheck]]:
    mark = CareMark.objects.filter(member=member).select_related("employer").first()
    return mark, list(HealthCheck.objects.filter(member=member))


def sanitation_workers_for(user: User) -> QuerySet[CareMark]:
    if not visibility.may(user, Action.VIEW_RELIEF):
        return CareMark.objects.none()
    return visibility.scope(
        user, CareMark.objects.filter(sanitation_worker=True), unit="member__household__org_unit"
    ).select_related("member__household", "employer")
