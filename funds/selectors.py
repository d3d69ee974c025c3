"""Reads of the fund ledger that a user triggers, limited to what that user may see.

Everything is scoped through ``accounts.visibility``: organizers, helpers and auditors see the
funds, budgets, requests and postings of their unit and the units below it (auditors read all of
it and change nothing). A fund is seen through its managing unit; a budget, request or posting
through the unit it serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from funds import ledger
from funds.approval import within_limit
from funds.models import (
    Account,
    AnomalyFlag,
    Budget,
    FundSource,
    LedgerEntry,
    LedgerTransaction,
    PaymentRequest,
    Purpose,
)


def _may_read(user: User) -> bool:
    return visibility.may(user, Action.VIEW_FUNDS)


def _scoped(user: User, queryset: QuerySet[Any], unit: str) -> QuerySet[Any]:
    if not _may_read(user):
        return queryset.none()
    return visibility.scope(user, queryset, unit=unit)


def fund_list_for(user: User) -> QuerySet[FundSource]:
    return _scoped(user, FundSource.objects.select_related("org_unit"), "org_unit")


def fund_get_for(user: User, pk: Any) -> FundSource:
    fund = fund_list_for(user).filter(pk=int_pk(pk)).first()
    if fund is None:
        raise NotFound(_("No such fund."))
    return fund


def budget_list_for(user: User) -> QuerySet[Budget]:
    return _scoped(user, Budget.objects.select_related("source", "org_unit", "purpose"), "org_unit")


def budget_get_for(user: User, pk: Any) -> Budget:
    budget = budget_list_for(user).filter(pk=int_pk(pk)).first()
    if budget is None:
        raise NotFound(_("No such budget."))
    return budget


def budgets_to_draw_on(user: User, year: int | None = None) -> QuerySet[Budget]:
    """The budgets a maker may charge: those of their own unit and the units above it (a town's
    budget pays for its stations), and those of the units in their reach."""
    if not visibility.may(user, Action.REQUEST_PAYMENT):
        return Budget.objects.none()
    budgets = Budget.objects.select_related("source", "org_unit", "purpose")
    if not visibility.is_admin(user):
        unit = user.org_unit
        if unit is None:
            return Budget.objects.none()
        above = [u.pk for u in unit.ancestors()] + [unit.pk]
        budgets = budgets.filter(Q(org_unit__in=above) | Q(org_unit__path__startswith=unit.path))
    if year is not None:
        budgets = budgets.filter(year=year)
    return budgets


def payment_request_list_for(user: User) -> QuerySet[PaymentRequest]:
    queryset = PaymentRequest.objects.select_related(
        "budget__source", "budget__purpose", "org_unit", "requested_by", "decided_by", "transaction", "payee"
    )
    if not (_may_read(user) or visibility.may(user, Action.REQUEST_PAYMENT)):
        return queryset.none()
    return visibility.scope(user, queryset, unit="org_unit")


def payment_request_get_for(user: User, pk: Any) -> PaymentRequest:
    request = payment_request_list_for(user).filter(pk=int_pk(pk)).first()
    if request is None:
        raise NotFound(_("No such payment request."))
    return request


@dataclass
class QueueRow:
    request: PaymentRequest
    warnings: list[Any]
    may_approve: bool  # not one's own, and within one's limit
    reason: str = ""


def approval_queue_for(user: User) -> list[QueueRow]:
    """Requests waiting for a checker in the user's reach, oldest first, with the anomalies each
    would raise and whether this user may approve it (not their own, within their limit)."""
    from funds.services import request_warnings

    if not visibility.may(user, Action.APPROVE_PAYMENT):
        return []
    waiting = payment_request_list_for(user).filter(state=PaymentRequest.State.REQUESTED).order_by("requested_at")
    rows = []
    for request in waiting[:200]:
        reason = ""
        if request.requested_by_id == user.pk:
            reason = _("Your own request: another organizer approves it.")
        elif not within_limit(user, request.amount):
            reason = _("Above your approval limit: the unit above approves it.")
        rows.append(QueueRow(request, request_warnings(request), may_approve=not reason, reason=reason))
    return rows


def payments_to_pay_for(user: User) -> QuerySet[PaymentRequest]:
    if not visibility.may(user, Action.PAY_OUT):
        return PaymentRequest.objects.none()
    return payment_request_list_for(user).filter(state=PaymentRequest.State.APPROVED).order_by("decided_at")


def transaction_list_for(user: User) -> QuerySet[LedgerTransaction]:
    return _scoped(
        user,
        LedgerTransaction.objects.select_related(
            "source", "org_unit", "purpose", "budget", "payee", "created_by", "approved_by", "requested_by", "reverses"
        )
        .prefetch_related("entries__account__purpose")
        .annotate(flag_count=Count("flags"))
        .order_by("-created_at", "id"),  # explicit: Meta.ordering is dropped from a grouped query
        "org_unit",
    )


def transaction_get_for(user: User, pk: Any) -> LedgerTransaction:
    try:
        txn = transaction_list_for(user).filter(pk=pk).first()
    except (ValueError, ValidationError) as exc:  # a malformed UUID
        raise NotFound(_("No such transaction.")) from exc
    if txn is None:
        raise NotFound(_("No such transaction."))
    return txn


def entry_list_for(user: User) -> QuerySet[LedgerEntry]:
    return _scoped(user, LedgerEntry.objects.select_related("account__purpose", "transaction"), "transaction__org_unit")


def flag_list_for(user: User, *, open_only: bool = False) -> QuerySet[AnomalyFlag]:
    flags = _scoped(
        user,
        AnomalyFlag.objects.select_related("transaction__source", "transaction__purpose", "resolved_by"),
        "transaction__org_unit",
    )
    return flags.filter(resolved_at__isnull=True) if open_only else flags


def flag_get_for(user: User, pk: Any) -> AnomalyFlag:
    flag = flag_list_for(user).filter(pk=int_pk(pk)).first()
    if flag is None:
        raise NotFound(_("No such flag."))
    return flag


def purpose_list() -> QuerySet[Purpose]:
    return Purpose.objects.all()


# --- reconciliation ---------------------------------------------------------------------------------


@dataclass
class BudgetLine:
    budget: Budget
    budgeted: int
    paid: int
    reversed: int
    used: int
    remaining: int


@dataclass
class FundLine:
    fund: FundSource
    contributed: int  # money put in by the source
    paid: int  # spent (relief, in kind, loans out), gross
    reversed: int  # given back by reversals of spending
    repaid: int  # loan repayments received
    cash: int  # balance of the fund's bank account
    receivable: int  # loans outstanding
    expense: int  # relief given, net
    entries_total: int  # every leg of the fund added up: must be 0
    unbalanced: int  # transactions whose legs do not sum to 0: must be 0
    open_flags: int
    budgets: list[BudgetLine] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.entries_total == 0 and self.unbalanced == 0

    @property
    def cash_explained(self) -> bool:
        """Cash = contributed - paid + reversed + repaid: the movements explain the balance."""
        return self.cash == self.contributed - self.paid + self.reversed + self.repaid


def _by_kind(source: FundSource) -> dict[str, int]:
    rows = LedgerEntry.objects.filter(account__source=source).values("account__kind").annotate(total=Sum("amount"))
    return {row["account__kind"]: int(row["total"] or 0) for row in rows}


def budget_line(budget: Budget) -> BudgetLine:
    paid, reversed_ = ledger.budget_paid_and_reversed(budget)
    used = paid - reversed_
    return BudgetLine(budget, budget.amount, paid, reversed_, used, budget.amount - used)


def fund_line(fund: FundSource, budgets: QuerySet[Budget] | None = None) -> FundLine:
    """The fund's reconciliation. The movements explain the cash: every leg sums to zero, so
    cash = contributed - paid + reversed + repaid (``FundLine.cash_explained``)."""
    kinds = _by_kind(fund)
    spending = LedgerEntry.objects.filter(account__source=fund, account__kind__in=ledger.SPENDING)

    def total(entries: QuerySet[LedgerEntry]) -> int:
        return int(entries.aggregate(t=Sum("amount"))["t"] or 0)

    Kind = LedgerTransaction.Kind
    line = FundLine(
        fund=fund,
        contributed=-kinds.get(Account.Kind.CONTRIBUTIONS, 0),
        paid=total(spending.exclude(transaction__kind__in=[Kind.REVERSAL, Kind.REPAYMENT])),
        reversed=-total(spending.filter(transaction__kind=Kind.REVERSAL)),
        repaid=-total(spending.filter(transaction__kind=Kind.REPAYMENT)),
        cash=kinds.get(Account.Kind.CASH, 0),
        receivable=kinds.get(Account.Kind.RECEIVABLE, 0),
        expense=kinds.get(Account.Kind.EXPENSE, 0),
        entries_total=ledger.fund_entries_total(fund),
        unbalanced=ledger.unbalanced_transactions(fund),
        open_flags=AnomalyFlag.objects.filter(transaction__source=fund, resolved_at__isnull=True).count(),
    )
    for budget in budgets if budgets is not None else fund.budgets.select_related("org_unit", "purpose"):
        line.budgets.append(budget_line(budget))
    return line


@dataclass
class Reconciliation:
    funds: list[FundLine]  # the funds the user's unit manages (or below it), in full
    other_budgets: list[BudgetLine]  # budgets in reach given by funds managed above

    @property
    def balanced(self) -> bool:
        return all(line.balanced for line in self.funds)


def reconciliation_for(user: User, *, year: int | None = None, fund: Any = None) -> Reconciliation:
    """Per fund in the user's reach: money in, paid, reversed, repaid, the balances, the sum check
    and the open flags; per budget in reach: budgeted, paid, reversed, remaining. A town sees the
    budgets a county fund gives it, not the county fund's totals."""
    budgets = budget_list_for(user).order_by("-year", "org_unit__path", "purpose__order")
    if year is not None:
        budgets = budgets.filter(year=year)
    funds = fund_list_for(user).order_by("org_unit__path", "name")
    if fund is not None:
        funds = funds.filter(pk=fund)
        budgets = budgets.filter(source=fund)
    fund_ids = {f.pk for f in funds}
    return Reconciliation(
        funds=[fund_line(f, budgets.filter(source=f)) for f in funds],
        other_budgets=[budget_line(b) for b in budgets if b.source_id not in fund_ids],
    )


def unit_choices_for(user: User) -> QuerySet[OrgUnit]:
    return visibility.visible_units(user)
