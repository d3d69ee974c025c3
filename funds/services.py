"""Every write of the fund ledger. Each function checks who is acting, validates, takes the row
locks its checks need, and writes in one transaction; a refusal is a ``core.errors.DomainError``
with a message for the person acting, and nothing is written.

Other tracks (ventures, the relief modules) move money only through these functions:

* a payment (relief in cash, support in kind, a loan paid out, a 贴息 interest refund) is a
  ``PaymentRequest``: ``payment_request_create`` (maker), ``payment_request_approve`` (checker),
  ``payment_request_pay`` (posts it once, whatever the number of retries);
* money coming back (a loan repayment) is ``repayment_record``; a loan forgiven is
  ``loan_write_off`` (maker-checker, no cash moves);
* money put into a fund is ``contribution_record``;
* a mistake is undone by ``transaction_reverse``.

Locks. Two checks must hold under concurrency: a budget is never overspent, and a fund's cash
never goes below zero. Each is a read-then-write, so the rows they protect are locked first
(``select_for_update``; on SQLite the whole database is locked by the first write of an IMMEDIATE
transaction, see ``web/settings.py``). The order is always payment request, then budget, then
fund, so two services never wait on each other in a circle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.visibility import Action
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from funds import ledger, notices
from funds.approval import approval_limit, within_limit
from funds.models import (
    Account,
    AnomalyFlag,
    Budget,
    FundSource,
    LedgerTransaction,
    PaymentRequest,
    Purpose,
)
from funds.money import MAX_FEN, format_yuan
from households.models import Household, Member
from notifications.services import notify

PERIOD = re.compile(r"^(?P<year>\d{4})(-(0[1-9]|1[0-2]|Q[1-4]))?$")
MAX_KEY_LENGTH = 80
# Households whose members count as "in the archive" for a payment.
ARCHIVED_STATES = (Household.State.ACTIVE, Household.State.EXITED)

# --- checks shared by the services -----------------------------------------------------------------


def _require(user: User, action: Action, unit: OrgUnit | None = None, *, what: str = "") -> None:
    """The role must allow ``action`` (else 403) and the unit must be in reach (else 404: we never
    confirm that a record outside one's reach exists)."""
    if not visibility.may(user, action):
        raise Forbidden(_("Your role does not allow this."))
    if unit is not None and not visibility.may(user, action, unit):
        raise NotFound(what or _("Not found."))


def check_amount(amount: int, field: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput(_("The amount must be a whole number of fen."), field=field)
    if amount <= 0:
        raise InvalidInput(_("The amount must be more than zero."), field=field)
    if amount > MAX_FEN:
        raise InvalidInput(_("The amount is too large."), field=field)
    return amount


def check_period(period: str, *, year: int | None = None) -> str:
    period = (period or "").strip().upper()
    match = PERIOD.match(period)
    if not match:
        raise InvalidInput(
            _("Write the period as a year (2026), a month (2026-11) or a quarter (2026-Q4)."), field="period"
        )
    if year is not None and int(match["year"]) != year:
        raise InvalidInput(_("The period must fall in the budget's year (%(year)s).") % {"year": year}, field="period")
    return period


def check_idempotency_key(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise InvalidInput(_("An idempotency key is required to post money."), field="idempotency_key")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(_("The idempotency key is too long."), field="idempotency_key")
    return key


def _lock_budget(budget: Budget) -> Budget:
    return (
        Budget.objects.select_for_update(of=("self",)).select_related("source", "purpose", "org_unit").get(pk=budget.pk)
    )


def _lock_fund(source: FundSource | int) -> FundSource:
    return FundSource.objects.select_for_update().get(pk=getattr(source, "pk", source))


def _in_archive(member: Member | None) -> bool:
    return bool(member is not None and member.is_current and member.household.state in ARCHIVED_STATES)


# --- funds and budgets ------------------------------------------------------------------------------


@transaction.atomic
def fund_source_create(*, by: User, name: str, kind: str, org_unit: OrgUnit, note: str = "") -> FundSource:
    _require(by, Action.MANAGE_FUNDS, org_unit, what=_("No such union unit."))
    name = name.strip()
    if not name:
        raise InvalidInput(_("Name the fund."), field="name")
    if kind not in FundSource.Kind.values:
        raise InvalidInput(_("Choose where the fund's money comes from."), field="kind")
    if FundSource.objects.filter(org_unit=org_unit, name=name).exists():
        raise Conflict(_("This unit already has a fund of that name."), field="name")
    return FundSource.objects.create(name=name, kind=kind, org_unit=org_unit, note=note.strip(), created_by=by)


@transaction.atomic
def budget_create(
    *, by: User, source: FundSource, year: int, org_unit: OrgUnit, purpose: Purpose, amount: int, note: str = ""
) -> Budget:
    """A yearly budget of a fund for a unit (its own or one below) and a purpose."""
    _require(by, Action.MANAGE_FUNDS, source.org_unit, what=_("No such fund."))
    check_amount(amount)
    if not source.org_unit.contains(org_unit):
        raise InvalidInput(_("A fund budgets for its own unit and the units below it."), field="org_unit")
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(_("Enter a year such as 2026."), field="year")
    if Budget.objects.filter(source=source, year=year, org_unit=org_unit, purpose=purpose).exists():
        raise Conflict(_("This fund already has a budget for that unit, purpose and year."))
    return Budget.objects.create(
        source=source, year=year, org_unit=org_unit, purpose=purpose, amount=amount, note=note.strip(), created_by=by
    )


@transaction.atomic
def budget_set_amount(*, budget: Budget, amount: int, by: User) -> Budget:
    """Raise or lower a budget; never below what it has already paid."""
    _require(by, Action.MANAGE_FUNDS, budget.source.org_unit, what=_("No such budget."))
    check_amount(amount)
    budget = _lock_budget(budget)
    used = ledger.budget_used(budget)
    if amount < used:
        raise Conflict(
            _("This budget has paid %(used)s already; it cannot be set lower.") % {"used": format_yuan(used)},
            field="amount",
        )
    budget.amount = amount
    budget.save(update_fields=["amount"])
    return budget


# --- money in ---------------------------------------------------------------------------------------


def _existing(key: str) -> LedgerTransaction | None:
    return LedgerTransaction.objects.filter(idempotency_key=key).first()


def _replay(key: str, **expected: object) -> LedgerTransaction | None:
    """The transaction an earlier attempt with this key posted, if it posted the same thing (marked
    ``replayed``: the API answers 200, not 201); a key reused for something else is refused.

    Called twice by each service: once at the start (the cheap answer to a late retry), and again
    once the fund is locked, because a retry sent while the first attempt was still running waited
    for that lock and must now find what the first attempt committed."""
    txn = _existing(key)
    if txn is None:
        return None
    if any(getattr(txn, name) != value for name, value in expected.items()):
        raise Conflict(_("This idempotency key was used for another posting."), field="idempotency_key")
    txn.replayed = True
    return txn


def _amount_of(txn: LedgerTransaction, kind: str) -> int:
    return sum(e.amount for e in txn.entries.all() if e.account.kind == kind)


def _post_once(key: str, **header: object) -> LedgerTransaction:
    """``ledger.post`` in a savepoint. Two attempts with one key racing past the replay check meet
    at the key's unique index: the loser is told so instead of seeing a database error."""
    try:
        with transaction.atomic():
            return ledger.post(idempotency_key=key, **header)  # type: ignore[arg-type]
    except IntegrityError:
        if _existing(key) is not None:
            raise Conflict(_("This payment is being posted by another request; reload.")) from None
        raise


@transaction.atomic
def contribution_record(
    *, source: FundSource, amount: int, by: User, idempotency_key: str, memo: str = "", period: str = ""
) -> LedgerTransaction:
    """Money the fund's source puts in (an allocation, a grant, a gift): cash up, contributions up."""
    _require(by, Action.MANAGE_FUNDS, source.org_unit, what=_("No such fund."))
    check_amount(amount)
    key = check_idempotency_key(idempotency_key)
    period = check_period(period) if period else ""
    previous = _replay(key, kind=LedgerTransaction.Kind.CONTRIBUTION, source_id=source.pk)
    if previous is not None:
        return previous
    source = _lock_fund(source)
    previous = _replay(key, kind=LedgerTransaction.Kind.CONTRIBUTION, source_id=source.pk)
    if previous is not None:
        return previous
    return _post_once(
        key,
        legs=[
            (ledger.account_for(source, Account.Kind.CASH), amount),
            (ledger.account_for(source, Account.Kind.CONTRIBUTIONS), -amount),
        ],
        source=source,
        org_unit=source.org_unit,
        kind=LedgerTransaction.Kind.CONTRIBUTION,
        period=period,
        memo=memo.strip()[:200],
        created_by=by,
    )


@transaction.atomic
def repayment_record(
    *,
    source: FundSource,
    payee: Member,
    purpose: Purpose,
    amount: int,
    by: User,
    idempotency_key: str,
    period: str = "",
    memo: str = "",
    reference: str = "",
) -> LedgerTransaction:
    """A loan repayment into the fund: cash up, the member's receivable down. Never more than the
    member still owes the fund for that purpose."""
    _require(by, Action.RECORD_RECEIPT, payee.household.org_unit, what=_("No such member."))
    check_amount(amount)
    key = check_idempotency_key(idempotency_key)
    period = check_period(period) if period else ""

    def replayed() -> LedgerTransaction | None:
        previous = _replay(key, kind=LedgerTransaction.Kind.REPAYMENT, source_id=source.pk, payee_id=payee.pk)
        if previous is not None and _amount_of(previous, Account.Kind.CASH) != amount:
            raise Conflict(_("This idempotency key was used for another posting."), field="idempotency_key")
        return previous

    previous = replayed()
    if previous is not None:
        return previous
    source = _lock_fund(source)
    previous = replayed()
    if previous is not None:
        return previous
    outstanding = ledger.payee_outstanding(source, payee.pk, purpose)
    if amount > outstanding:
        raise Conflict(
            _("%(name)s owes this fund %(owed)s; a repayment of %(amount)s is more than that.")
            % {"name": payee.name, "owed": format_yuan(outstanding), "amount": format_yuan(amount)},
            field="amount",
        )
    return _post_once(
        key,
        legs=[
            (ledger.account_for(source, Account.Kind.CASH), amount),
            (ledger.account_for(source, Account.Kind.RECEIVABLE, purpose), -amount),
        ],
        source=source,
        org_unit=payee.household.org_unit,
        kind=LedgerTransaction.Kind.REPAYMENT,
        purpose=purpose,
        period=period,
        memo=memo.strip()[:200],
        payee=payee,
        payee_name=payee.name,
        reference=reference[:80],
        created_by=by,
    )


@transaction.atomic
def loan_write_off(
    *,
    source: FundSource,
    payee: Member,
    purpose: Purpose,
    amount: int,
    requested_by: User,
    by: User,
    idempotency_key: str,
    reason: str,
    reference: str = "",
) -> LedgerTransaction:
    """Forgive what a member cannot repay: the loan leaves the receivable and becomes relief given
    (expense); no cash moves. Maker-checker as for a payment: ``requested_by`` proposed it (the
    venture's reviewer), ``by`` approves and posts it, never the same person, within ``by``'s limit."""
    _require(by, Action.APPROVE_PAYMENT, payee.household.org_unit, what=_("No such member."))
    if requested_by.pk == by.pk:
        raise Forbidden(_("You cannot approve your own write-off; another organizer must."))
    check_amount(amount)
    if not within_limit(by, amount):
        raise Forbidden(_("%(amount)s is above your approval limit.") % {"amount": format_yuan(amount)})
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the loan is written off."), field="reason")
    key = check_idempotency_key(idempotency_key)
    previous = _replay(key, kind=LedgerTransaction.Kind.WRITE_OFF, source_id=source.pk, payee_id=payee.pk)
    if previous is not None:
        return previous
    source = _lock_fund(source)
    previous = _replay(key, kind=LedgerTransaction.Kind.WRITE_OFF, source_id=source.pk, payee_id=payee.pk)
    if previous is not None:
        return previous
    outstanding = ledger.payee_outstanding(source, payee.pk, purpose)
    if amount > outstanding:
        raise Conflict(
            _("%(name)s owes this fund %(owed)s; %(amount)s cannot be written off.")
            % {"name": payee.name, "owed": format_yuan(outstanding), "amount": format_yuan(amount)},
            field="amount",
        )
    return _post_once(
        key,
        legs=[
            (ledger.account_for(source, Account.Kind.EXPENSE, purpose), amount),
            (ledger.account_for(source, Account.Kind.RECEIVABLE, purpose), -amount),
        ],
        source=source,
        org_unit=payee.household.org_unit,
        kind=LedgerTransaction.Kind.WRITE_OFF,
        purpose=purpose,
        memo=reason[:200],
        payee=payee,
        payee_name=payee.name,
        reference=reference[:80],
        requested_by=requested_by,
        approved_by=by,
        created_by=by,
    )


# --- payments: maker, checker, pay -------------------------------------------------------------------


@dataclass
class PaymentWarning:
    kind: str
    detail: str


def payment_warnings(
    *,
    payee: Member | None,
    payee_name: str,
    purpose: Purpose,
    period: str,
    amount: int,
    exclude: LedgerTransaction | None = None,
) -> list[PaymentWarning]:
    """The anomalies a payment would raise. The approval queue shows them before the checker
    decides; ``payment_request_pay`` stores them as flags on the posted transaction."""
    found: list[PaymentWarning] = []
    earlier = LedgerTransaction.objects.filter(
        kind__in=[LedgerTransaction.Kind.GRANT, LedgerTransaction.Kind.IN_KIND, LedgerTransaction.Kind.LOAN],
        purpose=purpose,
        period=period,
        reversed_by__isnull=True,
    )
    earlier = (
        earlier.filter(payee=payee) if payee is not None else earlier.filter(payee__isnull=True, payee_name=payee_name)
    )
    if exclude is not None:
        earlier = earlier.exclude(pk=exclude.pk)
    first = earlier.order_by("created_at").first()
    if first is not None:
        found.append(
            PaymentWarning(
                AnomalyFlag.Kind.DUPLICATE,
                _("%(name)s was already paid for %(purpose)s in %(period)s (voucher %(voucher)s).")
                % {"name": payee_name, "purpose": purpose, "period": period, "voucher": first.short_id},
            )
        )
    if purpose.cap is not None and amount > purpose.cap:
        found.append(
            PaymentWarning(
                AnomalyFlag.Kind.OVER_CAP,
                _("%(amount)s is over the cap of %(cap)s for %(purpose)s.")
                % {"amount": format_yuan(amount), "cap": format_yuan(purpose.cap), "purpose": purpose},
            )
        )
    if not _in_archive(payee):
        found.append(
            PaymentWarning(
                AnomalyFlag.Kind.NOT_IN_ARCHIVE,
                _("%(name)s is not a current member of an archived household.") % {"name": payee_name},
            )
        )
    return found


def request_warnings(request: PaymentRequest) -> list[PaymentWarning]:
    return payment_warnings(
        payee=request.payee,
        payee_name=request.payee_name,
        purpose=request.budget.purpose,
        period=request.period,
        amount=request.amount,
        exclude=request.transaction,
    )


@transaction.atomic
def payment_request_create(
    *,
    by: User,
    budget: Budget,
    amount: int,
    period: str,
    payee: Member | None = None,
    payee_name: str = "",
    kind: str = PaymentRequest.Kind.GRANT,
    org_unit: OrgUnit | None = None,
    memo: str = "",
    reference: str = "",
) -> PaymentRequest:
    """Ask for a payment (the maker). A payee from the archive serves their household's unit; a
    payee outside it (a supplier of goods in kind, someone not yet registered) is named, serves the
    unit given (or the requester's), and is flagged when paid."""
    if not visibility.may(by, Action.REQUEST_PAYMENT):
        raise Forbidden(_("Your role does not allow this."))
    check_amount(amount)
    if kind not in PaymentRequest.Kind.values:
        raise InvalidInput(_("Choose the kind of payment."), field="kind")
    unit: OrgUnit | None
    if payee is not None:
        unit = payee.household.org_unit
        payee_name = payee.name
    else:
        unit = org_unit or by.org_unit
        payee_name = payee_name.strip()
        if not payee_name:
            raise InvalidInput(_("Choose a member from the archive or name the payee."), field="payee")
        if kind == PaymentRequest.Kind.LOAN:
            raise InvalidInput(_("A loan is made to a member of the archive."), field="payee")
    if unit is None:
        raise InvalidInput(_("Choose the union unit the payment serves."), field="org_unit")
    _require(by, Action.REQUEST_PAYMENT, unit, what=_("No such member."))
    if not budget.org_unit.contains(unit):
        raise InvalidInput(_("This budget does not cover %(unit)s.") % {"unit": unit}, field="budget")
    period = check_period(period, year=budget.year)
    remaining = budget.amount - ledger.budget_used(budget)
    if amount > remaining:
        raise Conflict(
            _("The budget has %(remaining)s left; %(amount)s is more than that.")
            % {"remaining": format_yuan(remaining), "amount": format_yuan(amount)},
            field="amount",
        )
    request = PaymentRequest.objects.create(
        budget=budget,
        org_unit=unit,
        kind=kind,
        payee=payee,
        payee_name=payee_name[:100],
        amount=amount,
        period=period,
        memo=memo.strip()[:200],
        reference=reference[:80],
        requested_by=by,
    )
    notify(
        approvers_of(request),
        notices.PAYMENT_WAITING.code,
        {"amount": format_yuan(amount), "payee": request.payee_name},
        reverse("funds:request", args=[request.pk]),
        key=f"payment-request:{request.pk}",
        unit=unit,
    )
    return request


def approvers_of(request: PaymentRequest) -> list[User]:
    """Who is asked to check a request: the organizers of the nearest unit, from the request's own
    upwards, with one who may approve it (never the maker, the amount within their limit)."""
    unit: OrgUnit | None = request.org_unit
    while unit is not None:
        found = [
            user
            for user in User.objects.filter(org_unit=unit, role=Role.ORGANIZER, is_active=True).exclude(
                pk=request.requested_by_id
            )
            if within_limit(user, request.amount)
        ]
        if found:
            return found
        unit = unit.parent
    return []


def _locked_request(request: PaymentRequest) -> PaymentRequest:
    return (
        PaymentRequest.objects.select_for_update(of=("self",))
        .select_related("budget__purpose", "budget__source", "org_unit", "payee__household")
        .get(pk=request.pk)
    )


def _decide_checks(request: PaymentRequest, by: User) -> None:
    _require(by, Action.APPROVE_PAYMENT, request.org_unit, what=_("No such payment request."))
    if request.requested_by_id == by.pk:
        raise Forbidden(_("You cannot approve or reject your own payment request; another organizer must."))
    if request.state != PaymentRequest.State.REQUESTED:
        raise Conflict(_("This request has been decided already (%(state)s).") % {"state": request.get_state_display()})


@transaction.atomic
def payment_request_approve(*, request: PaymentRequest, by: User, note: str = "") -> PaymentRequest:
    """The checker approves: never the maker, within the limit of their unit's level."""
    request = _locked_request(request)
    _decide_checks(request, by)
    if not within_limit(by, request.amount):
        limit = approval_limit(by) or 0
        raise Forbidden(
            _("%(amount)s is above your approval limit of %(limit)s; an organizer of the unit above approves it.")
            % {"amount": format_yuan(request.amount), "limit": format_yuan(limit)}
        )
    request.state = PaymentRequest.State.APPROVED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()[:200]
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return request


@transaction.atomic
def payment_request_reject(*, request: PaymentRequest, by: User, note: str) -> PaymentRequest:
    request = _locked_request(request)
    _decide_checks(request, by)
    if not note.strip():
        raise InvalidInput(_("Say why the request is rejected."), field="note")
    request.state = PaymentRequest.State.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()[:200]
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return request


PAYMENT_KIND = {
    PaymentRequest.Kind.GRANT: (LedgerTransaction.Kind.GRANT, Account.Kind.EXPENSE),
    PaymentRequest.Kind.IN_KIND: (LedgerTransaction.Kind.IN_KIND, Account.Kind.EXPENSE),
    PaymentRequest.Kind.LOAN: (LedgerTransaction.Kind.LOAN, Account.Kind.RECEIVABLE),
}


def payment_request_pay(*, request: PaymentRequest, by: User, idempotency_key: str) -> LedgerTransaction:
    """Post an approved payment to the ledger, once.

    A retry or a double click sends the same idempotency key and gets the same transaction back,
    paying nothing more. The budget's remaining amount and the fund's cash are checked under row
    locks, so simultaneous payments against one budget cannot together overspend it."""
    key = check_idempotency_key(idempotency_key)
    with transaction.atomic():
        request = _locked_request(request)
        _require(by, Action.PAY_OUT, request.org_unit, what=_("No such payment request."))
        # Read the posting after the lock, in a statement of its own: a retry that waited for the
        # lock behind the first attempt sees the request as that attempt left it, and must see its
        # posting too (a join in the locking statement would still show the request unpaid).
        paid = LedgerTransaction.objects.filter(pk=request.transaction_id).first() if request.transaction_id else None
        if request.state == PaymentRequest.State.PAID and paid is not None:
            if paid.idempotency_key == key:
                paid.replayed = True
                return paid
            raise Conflict(_("This request was paid already (voucher %(voucher)s).") % {"voucher": paid.short_id})
        if _existing(key) is not None:
            raise Conflict(_("This idempotency key was used for another posting."), field="idempotency_key")
        if request.state != PaymentRequest.State.APPROVED:
            raise Conflict(
                _("Only an approved request can be paid (this one is: %(state)s).")
                % {"state": request.get_state_display()}
            )
        budget = _lock_budget(request.budget)
        source = _lock_fund(budget.source_id)
        remaining = budget.amount - ledger.budget_used(budget)
        if request.amount > remaining:
            raise Conflict(
                _("The budget has %(remaining)s left; paying %(amount)s would go beyond it.")
                % {"remaining": format_yuan(remaining), "amount": format_yuan(request.amount)},
                field="amount",
            )
        cash = ledger.fund_cash(source)
        if request.amount > cash:
            raise Conflict(
                _("The fund holds %(cash)s; paying %(amount)s would take it below zero.")
                % {"cash": format_yuan(cash), "amount": format_yuan(request.amount)},
                field="amount",
            )
        txn_kind, debit_kind = PAYMENT_KIND[PaymentRequest.Kind(request.kind)]
        warnings = payment_warnings(
            payee=request.payee,
            payee_name=request.payee_name,
            purpose=budget.purpose,
            period=request.period,
            amount=request.amount,
        )
        txn = _post_once(
            key,
            legs=[
                (ledger.account_for(source, debit_kind, budget.purpose), request.amount),
                (ledger.account_for(source, Account.Kind.CASH), -request.amount),
            ],
            source=source,
            org_unit=request.org_unit,
            kind=txn_kind,
            purpose=budget.purpose,
            budget=budget,
            period=request.period,
            memo=request.memo,
            payee=request.payee,
            payee_name=request.payee_name,
            reference=request.reference,
            requested_by=request.requested_by,
            approved_by=request.decided_by,
            created_by=by,
        )
        AnomalyFlag.objects.bulk_create(
            [AnomalyFlag(transaction=txn, kind=w.kind, detail=w.detail[:300]) for w in warnings]
        )
        request.state = PaymentRequest.State.PAID
        request.transaction = txn
        request.save(update_fields=["state", "transaction"])
        return txn


# --- corrections ------------------------------------------------------------------------------------


@transaction.atomic
def transaction_reverse(*, txn: LedgerTransaction, by: User, reason: str) -> LedgerTransaction:
    """Undo a posting with a new one: the same legs negated, pointing at the original. A posting is
    reversed at most once (the database holds one reversal per transaction), a reversal is never
    reversed (post the payment again instead), and a reversal that would take the fund's cash or a
    member's loan balance below zero is refused (reverse the later repayments first)."""
    _require(by, Action.MANAGE_FUNDS, txn.org_unit, what=_("No such transaction."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the posting is reversed."), field="reason")
    if txn.kind == LedgerTransaction.Kind.REVERSAL:
        raise Conflict(_("A reversal cannot be reversed; post the payment again instead."))
    if LedgerTransaction.objects.filter(reverses=txn).exists():
        raise Conflict(_("This posting has been reversed already."))
    if txn.budget_id is not None:
        _lock_budget(txn.budget)  # type: ignore[arg-type]
    source = _lock_fund(txn.source_id)
    if LedgerTransaction.objects.filter(reverses=txn).exists():  # reversed while we waited for the locks
        raise Conflict(_("This posting has been reversed already."))
    legs = [(entry.account, -entry.amount) for entry in txn.entries.select_related("account")]
    for account, amount in legs:
        if account.kind == Account.Kind.CASH and ledger.fund_cash(source) + amount < 0:
            raise Conflict(_("The fund does not hold enough to reverse this posting."))
        if account.kind == Account.Kind.RECEIVABLE and txn.payee_id is not None:
            owed = ledger.payee_outstanding(source, txn.payee_id, account.purpose)
            if owed + amount < 0:
                raise Conflict(_("Part of this loan has been repaid; reverse the repayments first."))
    reversal = _post_once(
        f"reversal:{txn.pk}",
        legs=legs,
        source=source,
        org_unit=txn.org_unit,
        kind=LedgerTransaction.Kind.REVERSAL,
        purpose=txn.purpose,
        budget=txn.budget,
        period=txn.period,
        memo=reason[:200],
        payee=txn.payee,
        payee_name=txn.payee_name,
        reference=txn.reference,
        reverses=txn,
        created_by=by,
    )
    # A reversed payment is no longer a duplicate of anything: its flags stay, for the record.
    return reversal


# --- flags ------------------------------------------------------------------------------------------


@transaction.atomic
def flag_resolve(*, flag: AnomalyFlag, by: User, resolution: str) -> AnomalyFlag:
    """An organizer says what was found (a justified second payment, a payee since registered)."""
    _require(by, Action.MANAGE_FUNDS, flag.transaction.org_unit, what=_("No such flag."))
    resolution = resolution.strip()
    if not resolution:
        raise InvalidInput(_("Say what was found."), field="resolution")
    flag = AnomalyFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolved_at is not None:
        raise Conflict(_("This flag has been resolved already."))
    flag.resolved_at = timezone.now()
    flag.resolved_by = by
    flag.resolution = resolution[:200]
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return flag
