"""Reads of social assistance: the 应保尽保 gap (for the pages and the assessment app) and referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, User
from core.errors import NotFound
from core.ids import int_pk
from households.models import Member
from relief import selectors as relief_selectors
from relief.assistance.models import Referral
from relief.assistance.relief import TRACK


def dibao_gap_for(user: User, *, unit: OrgUnit | int | None = None, on: dt.date | None = None) -> QuerySet[Member]:
    """应保尽保: heads of households in the user's reach (of ``unit``'s subtree) eligible for 低保 by the
    line and work-capacity rule who do not receive it."""
    return relief_selectors.worklist_for(user, TRACK, unit=unit, on=on)


def referral_list_for(user: User, *, pending_only: bool = False) -> QuerySet[Referral]:
    rows = visibility.scope(
        user, Referral.objects.all(), unit="application__org_unit", owner="application__household__members__user"
    )
    if pending_only:
        rows = rows.filter(outcome=Referral.Outcome.PENDING)
    return rows.select_related("application__member", "application__household").order_by("-referred_on", "-id")


def referral_get_for(user: User, pk: Any) -> Referral:
    referral = referral_list_for(user).filter(pk=int_pk(pk)).first()
    if referral is None:
        raise NotFound(_("No such referral."))
    return referral
