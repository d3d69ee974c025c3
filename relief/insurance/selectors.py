"""Reads of social insurance, within the user's reach: members of working age without pension
insurance (the plan wants them enrolled), the employers with open arrears cases, and a member's
statuses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from households.models import Household, Member
from jobs.models import Employer
from relief import case_selectors
from relief.insurance.models import Arrears, InsuranceKind, InsuranceStatus
from relief.models import Case

WORKING_AGE = (16, 60)  # from 16, under 60


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def without_pension_for(user: User, *, on: dt.date | None = None) -> QuerySet[Member]:
    """Current members of active households in reach, aged 16 to 59, with no pension insurance
    recorded as insured."""
    if not visibility.may(user, Action.VIEW_RELIEF):
        return Member.objects.none()
    on = on or timezone.localdate()
    insured = InsuranceStatus.objects.filter(member=OuterRef("pk"), kind=InsuranceKind.PENSION, insured=True)
    return (
        visibility.scope(user, Member.objects.all(), unit="household__org_unit")
        .filter(
            is_current=True,
            household__state=Household.State.ACTIVE,
            birth_date__lte=_years_before(on, WORKING_AGE[0]),
            birth_date__gt=_years_before(on, WORKING_AGE[1]),
        )
        .exclude(Exists(insured))
        .select_related("household__org_unit")
        .defer("id_number", "health", "monthly_income")
        .order_by("household__number", "pk")
    )


@dataclass
class EmployerArrears:
    employer: Employer
    cases: int
    owed: int  # fen
    paid: int  # fen


def open_arrears_for(user: User) -> QuerySet[Arrears]:
    cases = case_selectors.case_list_for(user, track="insurance", kind="arrears", state=Case.State.OPEN)
    return Arrears.objects.filter(case__in=cases).select_related("case__employer", "case__member", "case__household")


def employers_in_arrears_for(user: User) -> list[EmployerArrears]:
    """Employers with open arrears cases in the user's reach, the most owed first."""
    by_employer: dict[int, EmployerArrears] = {}
    for arrears in open_arrears_for(user):
        employer = arrears.case.employer
        if employer is None:
            continue
        row = by_employer.setdefault(employer.pk, EmployerArrears(employer, 0, 0, 0))
        row.cases += 1
        row.owed += arrears.amount
        row.paid += arrears.paid_amount
    return sorted(by_employer.values(), key=lambda r: (-r.owed, r.employer.name))


def arrears_get_for(user: User, case_pk: Any) -> Arrears:
    case = case_selectors.case_get_for(user, case_pk)
    found = Arrears.objects.filter(case=case).select_related("case").first()
    if found is None:
        raise NotFound(_("No such arrears case."))
    return found


def statuses_of(member: Member) -> list[InsuranceStatus]:
    return list(InsuranceStatus.objects.filter(member=member).select_related("employer"))


def member_get_for(user: User, pk: Any) -> Member:
    if not visibility.may(user, Action.VIEW_RELIEF):
        raise NotFound(_("No such member."))
    member = (
        visibility.scope(user, Member.objects.all(), unit="household__org_unit")
        .select_related("household__org_unit")
        .filter(pk=int_pk(pk))
        .first()
    )
    if member is None:
        raise NotFound(_("No such member."))
    return member
