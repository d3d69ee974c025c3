"""Writes of social insurance: a member's status per kind, an arrears case (opened through the
relief cases, with the employer as counterpart) and its 补缴 agreed and paid. When the 补缴 agreed is
paid in full the case closes as achieved (meeting the plan's insurance goal). Refusals are domain
errors and nothing is written."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import Forbidden, InvalidInput, NotFound
from funds.money import MAX_FEN
from households.models import Member
from jobs.models import Employer
from relief import case_services
from relief.insurance.models import Arrears, InsuranceKind, InsuranceStatus
from relief.models import Case


def _today() -> dt.date:
    return timezone.localdate()


def _require(by: User, member: Member) -> None:
    if not visibility.may(by, Action.REVIEW_RELIEF):
        raise Forbidden(_("Your role does not allow this."))
    if not visibility.may(by, Action.REVIEW_RELIEF, member.household.org_unit):
        raise NotFound(_("No such member."))


@transaction.atomic
def status_set(
    *,
    member: Member,
    by: User,
    kind: str,
    insured: bool,
    since: dt.date | None = None,
    employer: Employer | None = None,
    flexible: bool = False,
) -> InsuranceStatus:
    _require(by, member)
    if kind not in InsuranceKind.values:
        raise InvalidInput(_("Unknown insurance."), field="kind")
    if since is not None and since > _today():
        raise InvalidInput(_("The date cannot be in the future."), field="since")
    if employer is not None and flexible:
        raise InvalidInput(_("Insured through an employer or as flexible employment, not both."), field="flexible")
    if not insured:
        since, employer, flexible = None, None, False
    status, _created = InsuranceStatus.objects.update_or_create(
        member=member,
        kind=kind,
        defaults={
            "insured": insured,
            "since": since,
            "employer": employer,
            "flexible": flexible,
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    return status


def _fen(value: int, field: str, *, positive: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (1 if positive else 0) or value > MAX_FEN:
        raise InvalidInput(
            _("Enter an amount in yuan greater than zero.") if positive else _("Enter an amount."), field=field
        )
    return value


@transaction.atomic
def arrears_open(
    *,
    member: Member,
    by: User,
    employer: Employer,
    kind: str,
    months: int,
    amount: int,
    opened_on: dt.date | None = None,
    next_action: str = "",
    next_action_due: dt.date | None = None,
) -> Arrears:
    """An employer owes ``months`` of ``kind`` insurance (``amount`` fen) for the member."""
    _require(by, member)
    if employer is None:
        raise InvalidInput(_("Name the employer that owes the insurance."), field="employer")
    if kind not in InsuranceKind.values:
        raise InvalidInput(_("Unknown insurance."), field="kind")
    if isinstance(months, bool) or not isinstance(months, int) or not 0 < months <= 600:
        raise InvalidInput(_("The months owed are a whole number from 1 to 600."), field="months")
    _fen(amount, "amount", positive=True)
    case = case_services.case_open(
        by=by,
        track="insurance",
        kind="arrears",
        member=member,
        summary=_("%(employer)s owes %(months)s months of %(kind)s")
        % {"employer": employer.name, "months": months, "kind": InsuranceKind(kind).label},
        employer=employer,
        office="hrss",
        opened_on=opened_on,
        next_action=next_action,
        next_action_due=next_action_due,
    )
    return Arrears.objects.create(case=case, kind=kind, months=months, amount=amount)


@transaction.atomic
def arrears_settle(
    *,
    arrears: Arrears,
    by: User,
    agreed_amount: int,
    agreed_on: dt.date | None = None,
    paid_amount: int = 0,
    paid_on: dt.date | None = None,
) -> Arrears:
    """The 补缴 the employer agreed to and what it paid so far; paid in full closes the case."""
    arrears = (
        Arrears.objects.select_for_update(of=("self",)).select_related("case__household__org_unit").get(pk=arrears.pk)
    )
    case = arrears.case
    if case.member is not None:
        _require(by, case.member)
    elif not visibility.may(by, Action.REVIEW_RELIEF, case.org_unit):
        raise NotFound(_("No such case."))
    if not case.is_open:
        raise InvalidInput(_("The case is closed already."), field="paid_amount")
    _fen(agreed_amount, "agreed_amount")
    _fen(paid_amount, "paid_amount")
    if paid_amount > agreed_amount:
        raise InvalidInput(_("More cannot be paid than the 补缴 agreed."), field="paid_amount", code="over_agreed")
    for day, field in ((agreed_on, "agreed_on"), (paid_on, "paid_on")):
        if day is not None and (day < case.opened_on or day > _today()):
            raise InvalidInput(_("The date is between the case's opening and today."), field=field)
    if paid_amount and paid_on is None:
        raise InvalidInput(_("Give the day it was paid."), field="paid_on")
    arrears.agreed_amount, arrears.agreed_on = agreed_amount, agreed_on
    arrears.paid_amount, arrears.paid_on = paid_amount, paid_on
    arrears.save()
    if paid_amount and paid_amount == agreed_amount and paid_on is not None:
        case_services.case_close(
            case=case, by=by, outcome=Case.Outcome.ACHIEVED, note=_("补缴 paid in full"), on=paid_on
        )
    return arrears
