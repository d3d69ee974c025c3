"""Every write of 创业援助. Each function checks who is acting, validates, locks what its checks
need and writes in one transaction; a refusal is a ``core.errors.DomainError`` and nothing is
written. Money moves only through ``funds.services`` (see ``ventures/models.py``).

The review chain. An application goes to the household's helper (the current 一帮一 pairing;
without one, any helper or organizer whose reach covers the household), then to an organizer
whose reach covers the household's unit, then, when the amount is above the product's
``review_threshold``, to an organizer of a unit strictly above the unit of the organizer who
decided the second step. Nobody reviews their own application, and nobody decides two steps of
one application (the database holds one review per reviewer and application too).

Locks. Reviews, disbursement, repayments and write-offs lock the venture or loan row first, then
call the funds services, which lock payment request, budget and fund in their own order: the
order is always ventures row, then funds rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import review_chain, visibility
from accounts.models import OrgUnit, Role, User
from accounts.review_chain import Step
from accounts.visibility import Action
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from funds import services as funds_services
from funds.models import Budget, LedgerTransaction, PaymentRequest
from funds.money import format_yuan
from households import services as household_services
from households.models import Household, Member, Pairing, Track
from jobs import services as jobs_services
from jobs.models import Employer
from notifications.services import notify
from ventures import notices, schedule
from ventures.models import (
    GuidanceSession,
    InKindItem,
    InKindSupport,
    Instalment,
    Loan,
    LoanProduct,
    OverdueAlert,
    Repayment,
    ReviewStep,
    SubsidyClaim,
    Venture,
    WriteOff,
)

PURPOSE = "entrepreneurship"
MAX_TERM = 120
MAX_JOBS = 999

# --- shared checks ----------------------------------------------------------------------------------


def _require(user: User, action: Action, unit: OrgUnit | None = None, *, what: str = "") -> None:
    """The role must allow ``action`` (else 403), the unit must be in reach (else 404)."""
    if not visibility.may(user, action):
        raise Forbidden(_("Your role does not allow this."))
    if unit is not None and not visibility.may(user, action, unit):
        raise NotFound(what or _("No such venture."))


def _fen(value: int, field: str, *, zero: bool = False) -> int:
    """Whole fen above zero (``zero``: or zero), as the ledger checks its amounts."""
    if zero and value == 0 and not isinstance(value, bool):
        return 0
    return funds_services.check_amount(value, field)


def _key(key: str) -> str:
    return funds_services.check_idempotency_key(key)


def _period(period: str) -> str:
    return funds_services.check_period(period)


def _today() -> dt.date:
    return timezone.localdate()


CURRENT_PAIRINGS = "current_pairings"


def current_pairings(path: str = "") -> Prefetch[Any]:
    """Prefetch the current pairing with its helper of the household at ``path`` ("member__household__"),
    for ``household_helper`` on a list."""
    return Prefetch(
        f"{path}pairings",
        queryset=Pairing.objects.filter(ended_on__isnull=True).select_related("helper"),
        to_attr=CURRENT_PAIRINGS,
    )


def household_helper(household: Household) -> User | None:
    """The household's responsible helper (the current 一帮一 pairing), if any."""
    prefetched: list[Pairing] | None = getattr(household, CURRENT_PAIRINGS, None)
    if prefetched is not None:
        return prefetched[0].helper if prefetched else None
    pairing = Pairing.objects.filter(household=household, ended_on__isnull=True).select_related("helper").first()
    return pairing.helper if pairing else None


def _lock_venture(venture: Venture) -> Venture:
    return (
        Venture.objects.select_for_update(of=("self",))
        .select_related("member__household", "product", "org_unit")
        .get(pk=venture.pk)
    )


def _lock_loan(loan: Loan) -> Loan:
    return (
        Loan.objects.select_for_update(of=("self",))
        .select_related("venture__member__household", "venture__org_unit", "payment_request__budget__source")
        .get(pk=loan.pk)
    )


# --- products ---------------------------------------------------------------------------------------


@dataclass
class ProductInput:
    name: str
    kind: str
    cap: int
    review_threshold: int
    term_months: int = 12
    grace_months: int = 0
    annual_rate_bp: int = 0
    subsidy_share_bp: int = 0
    subsidy_cap: int = 0


@transaction.atomic
def product_create(*, by: User, data: ProductInput) -> LoanProduct:
    _require(by, Action.MANAGE_VENTURES)
    name = data.name.strip()
    if not name:
        raise InvalidInput(_("Name the product."), field="name")
    if data.kind not in LoanProduct.Kind.values:
        raise InvalidInput(_("Choose the kind of support."), field="kind")
    _fen(data.cap, "cap")
    _fen(data.review_threshold, "review_threshold", zero=True)
    if not 1 <= data.term_months <= MAX_TERM:
        raise InvalidInput(_("The term is 1 to 120 months."), field="term_months")
    if not 0 <= data.grace_months <= 24:
        raise InvalidInput(_("Interest-free months are 0 to 24."), field="grace_months")
    if data.kind == LoanProduct.Kind.INTEREST_FREE and data.annual_rate_bp:
        raise InvalidInput(_("A union loan carries no interest."), field="annual_rate_bp")
    if not 0 <= data.annual_rate_bp <= 3_000:
        raise InvalidInput(_("Enter a yearly rate between 0 and 30%."), field="annual_rate_bp")
    if not 0 <= data.subsidy_share_bp <= 10_000:
        raise InvalidInput(_("The refunded share is between 0 and 100%."), field="subsidy_share_bp")
    if data.kind == LoanProduct.Kind.SUBSIDISED and not (data.subsidy_share_bp and data.subsidy_cap > 0):
        raise InvalidInput(_("A subsidised loan needs the refunded share and a cap per claim."), field="subsidy_cap")
    if LoanProduct.objects.filter(name=name).exists():
        raise Conflict(_("A product of that name exists."), field="name")
    return LoanProduct.objects.create(
        name=name[:100],
        kind=data.kind,
        cap=data.cap,
        review_threshold=data.review_threshold,
        term_months=data.term_months,
        grace_months=data.grace_months,
        annual_rate_bp=data.annual_rate_bp,
        subsidy_share_bp=data.subsidy_share_bp,
        subsidy_cap=max(data.subsidy_cap, 0),
    )


# --- the application --------------------------------------------------------------------------------


@dataclass
class VentureInput:
    business_name: str
    business: str
    address: str
    total_cost: int
    amount: int
    own_funds: int = 0
    expected_monthly_income: int = 0
    jobs_expected: int = 0


def _clean_venture(data: VentureInput, product: LoanProduct) -> dict[str, object]:
    name = data.business_name.strip()
    if not name:
        raise InvalidInput(_("Name the business."), field="business_name")
    if not data.business.strip():
        raise InvalidInput(_("Say what the business does."), field="business")
    if not data.address.strip():
        raise InvalidInput(_("Say where the business is."), field="address")
    _fen(data.total_cost, "total_cost")
    _fen(data.own_funds, "own_funds", zero=True)
    _fen(data.amount, "amount")
    _fen(data.expected_monthly_income, "expected_monthly_income", zero=True)
    if data.amount > product.cap:
        raise InvalidInput(
            _("%(product)s lends at most %(cap)s; %(amount)s is more than that.")
            % {"product": product.name, "cap": format_yuan(product.cap), "amount": format_yuan(data.amount)},
            field="amount",
        )
    if data.amount > data.total_cost:
        raise InvalidInput(_("The amount asked cannot be more than the total cost."), field="amount")
    if data.own_funds > data.total_cost:
        raise InvalidInput(_("Own funds cannot be more than the total cost."), field="own_funds")
    if not 0 <= data.jobs_expected <= MAX_JOBS:
        raise InvalidInput(_("Enter the number of jobs expected."), field="jobs_expected")
    return {
        "business_name": name[:100],
        "business": data.business.strip(),
        "address": data.address.strip()[:200],
        "total_cost": data.total_cost,
        "own_funds": data.own_funds,
        "amount": data.amount,
        "expected_monthly_income": data.expected_monthly_income,
        "jobs_expected": data.jobs_expected,
    }


@transaction.atomic
def venture_create(
    *, by: User, member: Member, product: LoanProduct, data: VentureInput, submit: bool = False
) -> Venture:
    """A worker applies for their own business; a helper or organizer for a member in reach."""
    household = member.household
    if by.role == Role.WORKER:
        _require(by, Action.APPLY_VENTURE)
        if member.user_id != by.pk:
            raise Forbidden(_("A worker applies for their own business only."))
    else:
        _require(by, Action.REVIEW_VENTURES, household.org_unit, what=_("No such member."))
    if not member.is_current or household.state != Household.State.ACTIVE:
        raise InvalidInput(_("Only a current member of an active household in the archive can apply."), field="member")
    if not product.is_active:
        raise InvalidInput(_("This product is no longer offered."), field="product")
    values = _clean_venture(data, product)
    venture = Venture.objects.create(
        member=member, org_unit=household.org_unit, product=product, created_by=by, **values
    )
    if submit:
        venture.state = Venture.State.HELPER_REVIEW
        venture.submitted_at = timezone.now()
        venture.save(update_fields=["state", "submitted_at"])
    return venture


def _acts_for_applicant(by: User, venture: Venture) -> bool:
    if venture.member.user_id == by.pk:
        return True
    return visibility.may(by, Action.REVIEW_VENTURES, venture.org_unit)


@transaction.atomic
def venture_submit(*, venture: Venture, by: User) -> Venture:
    venture = _lock_venture(venture)
    if not _acts_for_applicant(by, venture):
        raise NotFound(_("No such venture."))
    if venture.state != Venture.State.DRAFT:
        raise Conflict(_("This application has been sent already."))
    venture.state = Venture.State.HELPER_REVIEW
    venture.submitted_at = timezone.now()
    venture.save(update_fields=["state", "submitted_at"])
    return venture


STEP_OF_STATE = {
    Venture.State.HELPER_REVIEW: Step.HELPER,
    Venture.State.ORGANIZER_REVIEW: Step.ORGANIZER,
    Venture.State.UPPER_REVIEW: Step.UPPER,
}
STATE_OF_STEP = {step: state for state, step in STEP_OF_STATE.items()}


def may_review(user: User, venture: Venture) -> str:
    """Why ``user`` may not decide the venture's current step ("" when they may)."""
    step = STEP_OF_STATE.get(Venture.State(venture.state))
    if step is None:
        return _("This application is not waiting for a review.")
    if not visibility.may(user, Action.REVIEW_VENTURES, venture.org_unit):
        return _("This application is outside your reach.")
    if venture.member.user_id == user.pk:
        return _("You cannot review your own application.")
    # ``reviews.all()``: the review queue prefetches them; a locked venture reads them afresh.
    return review_chain.step_refusal(
        user,
        step,
        unit=venture.org_unit,
        decisions=venture.reviews.all(),
        helper=household_helper(venture.member.household) if step == Step.HELPER else None,
        needs_upper=venture.needs_upper_review,
        already=_("You have reviewed this application already; someone else decides the next step."),
    )


@transaction.atomic
def venture_review(*, venture: Venture, by: User, approve: bool, note: str = "", expected_state: str = "") -> Venture:
    """Decide the current step of the review chain; a refusal needs a reason.

    ``expected_state`` is the state the reviewer saw (the page and the API send it): when someone
    else decided that step meanwhile, this decision is refused rather than applied to the next step."""
    venture = _lock_venture(venture)
    _require(by, Action.REVIEW_VENTURES, venture.org_unit)
    if expected_state and expected_state != venture.state:
        raise Conflict(
            _("This application has changed since you opened it (it is now: %(state)s). Look again before deciding.")
            % {"state": venture.get_state_display()}
        )
    if venture.member.user_id == by.pk:
        raise Forbidden(_("You cannot review your own application."))
    reason = may_review(by, venture)
    if reason:
        if not venture.in_review:
            raise Conflict(reason)
        if ReviewStep.objects.filter(venture=venture, reviewer=by).exists():
            raise Conflict(reason)
        raise Forbidden(reason)
    note = note.strip()
    if not approve and not note:
        raise InvalidInput(_("Say why the application is refused."), field="note")
    step = STEP_OF_STATE[Venture.State(venture.state)]
    ReviewStep.objects.create(venture=venture, step=step, reviewer=by, approved=approve, note=note[:300])
    if not approve:
        venture.state = Venture.State.REFUSED
    else:
        after = review_chain.step_after(step, needs_upper=venture.needs_upper_review)
        venture.state = Venture.State.APPROVED if after is None else STATE_OF_STEP[after]
    fields = ["state"]
    if venture.state in (Venture.State.APPROVED, Venture.State.REFUSED):
        venture.decided_at = timezone.now()
        fields.append("decided_at")
    venture.save(update_fields=fields)
    if venture.state in (Venture.State.APPROVED, Venture.State.REFUSED):
        notify(
            [venture.member.user_id],
            notices.DECIDED.code,
            {
                "business": venture.business_name,
                "verdict": "approved" if venture.state == Venture.State.APPROVED else "refused",
                "note": note[:200],
            },
            reverse("ventures:detail", args=[venture.pk]),
            key=f"venture:{venture.pk}:decided",
            unit=venture.org_unit,
        )
    return venture


@transaction.atomic
def guidance_record(*, venture: Venture, by: User, mentor: str, held_on: dt.date, notes: str) -> GuidanceSession:
    _require(by, Action.REVIEW_VENTURES, venture.org_unit)
    mentor, notes = mentor.strip(), notes.strip()
    if not mentor:
        raise InvalidInput(_("Name the mentor."), field="mentor")
    if not notes:
        raise InvalidInput(_("Write what was discussed."), field="notes")
    if held_on > _today():
        raise InvalidInput(_("A session is recorded once it has taken place."), field="held_on")
    session = GuidanceSession.objects.create(
        venture=venture, mentor=mentor[:64], held_on=held_on, notes=notes, recorded_by=by
    )
    if not venture.mentor:
        Venture.objects.filter(pk=venture.pk).update(mentor=mentor[:64])
    return session


# --- the loan ---------------------------------------------------------------------------------------


def budgets_for(venture: Venture, year: int | None = None) -> list[Budget]:
    """The entrepreneurship budgets of this year that cover the venture's unit: the unit's own
    first, then the units above it."""
    unit = venture.org_unit
    units = {u.pk: u.depth for u in unit.ancestors()}
    units[unit.pk] = unit.depth
    budgets = Budget.objects.filter(
        purpose__code=PURPOSE, year=year or _today().year, org_unit__in=list(units)
    ).select_related("source", "org_unit", "purpose")
    return sorted(budgets, key=lambda b: (-units[b.org_unit_id], b.pk))


def _check_budget(venture: Venture, budget: Budget) -> None:
    if budget.purpose.code != PURPOSE or not budget.org_unit.contains(venture.org_unit):
        raise InvalidInput(_("Choose an entrepreneurship budget that covers the venture's unit."), field="budget")


def _build_schedule(loan: Loan, start: dt.date) -> None:
    lines = schedule.build(
        principal=loan.principal,
        annual_rate_bp=loan.annual_rate_bp,
        term=loan.term_months,
        grace=loan.grace_months,
        start=start,
    )
    Instalment.objects.bulk_create(
        [
            Instalment(
                loan=loan,
                number=line.number,
                due_on=line.due_on,
                principal=line.principal,
                interest=line.interest,
                amount=line.amount,
            )
            for line in lines
        ]
    )


@transaction.atomic
def loan_open(
    *,
    venture: Venture,
    by: User,
    budget: Budget | None = None,
    bank_name: str = "",
    disbursed_on: dt.date | None = None,
) -> Loan:
    """After approval: a union loan asks for its payment (a funds payment request, kind ``loan``,
    that another organizer approves and is then paid out by ``loan_disburse``); a bank loan is
    recorded as the bank paid it out, with the bank's schedule."""
    venture = _lock_venture(venture)
    _require(by, Action.MANAGE_VENTURES, venture.org_unit)
    if venture.state != Venture.State.APPROVED:
        raise Conflict(_("Only an approved application gets a loan."))
    existing = Loan.objects.filter(venture=venture).select_related("payment_request").first()
    if existing is not None:
        rejected = (
            existing.payment_request is not None and existing.payment_request.state == PaymentRequest.State.REJECTED
        )
        if not (existing.state == Loan.State.AWAITING_PAYMENT and rejected):
            raise Conflict(_("This venture has its loan already."))
    product = venture.product
    common = {
        "venture": venture,
        "kind": product.kind,
        "principal": venture.amount,
        "term_months": product.term_months,
        "grace_months": product.grace_months,
        "created_by": by,
    }
    if product.kind == LoanProduct.Kind.INTEREST_FREE:
        if budget is None:
            raise InvalidInput(_("Choose the budget that pays the loan."), field="budget")
        _check_budget(venture, budget)
        payment = funds_services.payment_request_create(
            by=by,
            budget=budget,
            amount=venture.amount,
            period=_today().strftime("%Y-%m"),
            payee=venture.member,
            kind=PaymentRequest.Kind.LOAN,
            memo=_("Interest-free venture loan: %(name)s") % {"name": venture.business_name},
        )
        if existing is not None:
            # The checker rejected the first request: the same loan asks again (the rejected
            # request stays in the funds' records with its reason).
            loan = existing
            loan.payment_request = payment
            loan.save(update_fields=["payment_request"])
        else:
            loan = Loan.objects.create(payment_request=payment, **common)
        PaymentRequest.objects.filter(pk=payment.pk).update(reference=loan.reference)
        return loan
    if product.kind == LoanProduct.Kind.SUBSIDISED:
        bank_name = bank_name.strip()
        if not bank_name:
            raise InvalidInput(_("Name the bank that lent the money."), field="bank_name")
        if disbursed_on is None or disbursed_on > _today():
            raise InvalidInput(_("Enter the day the bank paid the loan out."), field="disbursed_on")
        loan = Loan.objects.create(
            bank_name=bank_name[:100],
            annual_rate_bp=product.annual_rate_bp,
            disbursed_on=disbursed_on,
            state=Loan.State.ACTIVE,
            **common,
        )
        _build_schedule(loan, disbursed_on)
        _funded(
            venture,
            on=disbursed_on,
            by=by,
            what=_("bank loan of %(amount)s from %(bank)s")
            % {"amount": format_yuan(loan.principal), "bank": bank_name},
        )
        return loan
    raise Conflict(_("Support in kind is given as goods: record it under support in kind."))


def _funded(venture: Venture, *, on: dt.date, by: User | None, what: str) -> None:
    """A venture funded (a loan paid out, goods handed over) meets the plan's venture goal."""
    household_services.plan_goals_meet(
        member=venture.member,
        track=Track.VENTURE,
        on=on,
        evidence=_("%(business)s funded: %(what)s") % {"business": venture.business_name, "what": what},
        by=by,
    )


def _activate(loan: Loan, txn: LedgerTransaction, by: User | None = None) -> Loan:
    if loan.state != Loan.State.AWAITING_PAYMENT:
        return loan
    start = timezone.localtime(txn.created_at).date()
    loan.state, loan.disbursed_on = Loan.State.ACTIVE, start
    loan.save(update_fields=["state", "disbursed_on"])
    _build_schedule(loan, start)
    _funded(
        loan.venture, on=start, by=by, what=_("loan of %(amount)s paid out") % {"amount": format_yuan(loan.principal)}
    )
    return loan


@transaction.atomic
def loan_disburse(*, loan: Loan, by: User, idempotency_key: str) -> Loan:
    """Pay the approved loan out (``funds.payment_request_pay``) and draw up its schedule. A retry
    with the same key pays nothing more; a loan paid from the funds pages is taken up as it is."""
    key = _key(idempotency_key)
    loan = _lock_loan(loan)
    _require(by, Action.MANAGE_VENTURES, loan.venture.org_unit)
    payment = loan.payment_request
    if payment is None:
        raise Conflict(_("A bank loan is paid out by the bank."))
    payment = PaymentRequest.objects.select_related("transaction").get(pk=payment.pk)
    if payment.state == PaymentRequest.State.PAID and payment.transaction is not None:
        if loan.state != Loan.State.AWAITING_PAYMENT and payment.transaction.idempotency_key != key:
            raise Conflict(
                _("This loan was paid out already (voucher %(voucher)s).") % {"voucher": payment.transaction.short_id}
            )
        return _activate(loan, payment.transaction, by)
    txn = funds_services.payment_request_pay(request=payment, by=by, idempotency_key=key)
    return _activate(loan, txn, by)


def loan_outstanding(loan: Loan) -> int:
    return int(loan.instalments.aggregate(left=Sum("amount") - Sum("paid"))["left"] or 0)


def _state_of(instalment: Instalment, today: dt.date) -> str:
    if instalment.paid >= instalment.amount:
        return Instalment.State.PAID
    if instalment.due_on < today:
        return Instalment.State.OVERDUE
    return Instalment.State.PARTLY_PAID if instalment.paid else Instalment.State.DUE


@transaction.atomic
def loan_repay(
    *, loan: Loan, by: User, amount: int, idempotency_key: str, paid_on: dt.date | None = None, memo: str = ""
) -> Repayment:
    """Record a repayment, never above what the loan still owes, applied to the instalments in
    order. A union loan's repayment is posted to the fund (``funds.repayment_record``); a bank
    loan's is recorded as the bank confirmed it. A retry with the same key records it once."""
    key = _key(idempotency_key)
    _fen(amount, "amount")
    loan = _lock_loan(loan)
    _require(by, Action.RECORD_RECEIPT, loan.venture.org_unit, what=_("No such loan."))
    previous = Repayment.objects.filter(idempotency_key=key).first()
    if previous is not None:
        if previous.loan_id != loan.pk or previous.amount != amount:
            raise Conflict(_("This idempotency key was used for another posting."), field="idempotency_key")
        return previous
    if loan.state != Loan.State.ACTIVE:
        raise Conflict(
            _("Only a loan being repaid takes repayments (this one is: %(state)s).")
            % {"state": loan.get_state_display()}
        )
    paid_on = paid_on or _today()
    if paid_on > _today() or (loan.disbursed_on and paid_on < loan.disbursed_on):
        raise InvalidInput(_("The day paid must be between the payout and today."), field="paid_on")
    outstanding = loan_outstanding(loan)
    if amount > outstanding:
        raise Conflict(
            _("This loan has %(left)s outstanding; a repayment of %(amount)s is more than that.")
            % {"left": format_yuan(outstanding), "amount": format_yuan(amount)},
            field="amount",
        )
    txn = None
    if loan.is_union_loan:
        assert loan.payment_request is not None
        budget = loan.payment_request.budget
        txn = funds_services.repayment_record(
            source=budget.source,
            payee=loan.venture.member,
            purpose=budget.purpose,
            amount=amount,
            by=by,
            idempotency_key=key,
            period=paid_on.strftime("%Y-%m"),
            memo=(memo or _("Venture loan repayment")).strip()[:200],
            reference=loan.reference,
        )
    repayment = Repayment.objects.create(
        loan=loan, amount=amount, paid_on=paid_on, idempotency_key=key, transaction=txn, recorded_by=by
    )
    _apply(loan, amount, paid_on)
    return repayment


def _apply(loan: Loan, amount: int, paid_on: dt.date) -> None:
    today = _today()
    left = amount
    for instalment in loan.instalments.select_for_update().filter(paid__lt=F("amount")).order_by("number"):
        if left <= 0:
            break
        take = min(left, instalment.left)
        instalment.paid += take
        left -= take
        instalment.state = _state_of(instalment, today)
        if instalment.state == Instalment.State.PAID:
            instalment.paid_on = paid_on
        instalment.save(update_fields=["paid", "state", "paid_on"])
    OverdueAlert.objects.filter(
        instalment__loan=loan, instalment__state=Instalment.State.PAID, cleared_at__isnull=True
    ).update(cleared_at=timezone.now())
    if loan_outstanding(loan) == 0:
        loan.state = Loan.State.REPAID
        loan.save(update_fields=["state"])


def mark_overdue(*, today: dt.date | None = None) -> int:
    """Mark instalments past their day and not paid in full as overdue, and put each on the
    household's helper's list once. Idempotent: a second run the same day changes nothing and
    returns 0 (the number of new alerts)."""
    today = today or _today()
    with transaction.atomic():
        Instalment.objects.filter(
            loan__state=Loan.State.ACTIVE,
            state__in=[Instalment.State.DUE, Instalment.State.PARTLY_PAID],
            due_on__lt=today,
        ).update(state=Instalment.State.OVERDUE)
        waiting = (
            Instalment.objects.filter(loan__state=Loan.State.ACTIVE, state=Instalment.State.OVERDUE, alert__isnull=True)
            .select_related("loan__venture__member__household")
            .order_by("pk")
        )
        helpers: dict[int, User | None] = {}
        alerts = []
        for instalment in waiting:
            household = instalment.loan.venture.member.household
            if household.pk not in helpers:
                helpers[household.pk] = household_helper(household)
            alerts.append(OverdueAlert(instalment=instalment, helper=helpers[household.pk]))
        OverdueAlert.objects.bulk_create(alerts, ignore_conflicts=True)
        _tell_overdue([alert.instalment for alert in alerts], helpers)
    return len(alerts)


def _instalment_context(instalment: Instalment) -> dict[str, object]:
    return {
        "number": instalment.number,
        "amount": format_yuan(instalment.left),
        "due": instalment.due_on.isoformat(),
        "member": instalment.loan.venture.member.name,
    }


def _tell_overdue(instalments: list[Instalment], helpers: dict[int, User | None]) -> None:
    """The borrower and the household's helper hear of each newly overdue instalment, once (keys)."""
    for instalment in instalments:
        venture = instalment.loan.venture
        context = _instalment_context(instalment)
        link = reverse("ventures:detail", args=[venture.pk])
        key = f"instalment:{instalment.pk}:overdue"
        notify([venture.member.user_id], notices.INSTALMENT_OVERDUE.code, context, link, key=key, unit=venture.org_unit)
        helper = helpers.get(venture.member.household_id)
        notify([helper], notices.OVERDUE_FOR_HELPER.code, context, link, key=key, unit=venture.org_unit)


# Days before its due date that a borrower is reminded of an instalment.
DUE_REMINDER_DAYS = 3


def due_reminders_send(*, today: dt.date | None = None) -> int:
    """Beat (daily): instalments falling due within three days are announced to the borrower, once
    each (the key is the instalment and its day)."""
    today = today or _today()
    due = (
        Instalment.objects.filter(
            loan__state=Loan.State.ACTIVE,
            state__in=[Instalment.State.DUE, Instalment.State.PARTLY_PAID],
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=DUE_REMINDER_DAYS),
            loan__venture__member__user__isnull=False,
        )
        .select_related("loan__venture__member")
        .order_by("pk")
    )
    sent = 0
    for instalment in due:
        venture = instalment.loan.venture
        with transaction.atomic():
            sent += len(
                notify(
                    [venture.member.user_id],
                    notices.INSTALMENT_DUE.code,
                    _instalment_context(instalment),
                    reverse("ventures:detail", args=[venture.pk]),
                    key=f"instalment:{instalment.pk}:due:{instalment.due_on.isoformat()}",
                    unit=venture.org_unit,
                )
            )
    return sent


# --- write-off --------------------------------------------------------------------------------------


@transaction.atomic
def write_off_request(*, loan: Loan, by: User, reason: str) -> WriteOff:
    """Propose writing off what a union loan still owes (the maker)."""
    loan = _lock_loan(loan)
    _require(by, Action.REVIEW_VENTURES, loan.venture.org_unit, what=_("No such loan."))
    if not loan.is_union_loan:
        raise Conflict(_("Only a union loan can be written off; a bank loan is the bank's."))
    if loan.state != Loan.State.ACTIVE:
        raise Conflict(_("Only a loan being repaid can be written off."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the loan is written off."), field="reason")
    if loan.write_offs.filter(state=WriteOff.State.REQUESTED).exists():
        raise Conflict(_("A write-off of this loan is waiting for approval already."))
    return WriteOff.objects.create(loan=loan, amount=loan_outstanding(loan), reason=reason[:200], requested_by=by)


@transaction.atomic
def write_off_decide(
    *, write_off: WriteOff, by: User, approve: bool, idempotency_key: str = "", note: str = ""
) -> WriteOff:
    """The checker: never the requester, within their approval limit (``funds.loan_write_off``)."""
    write_off = WriteOff.objects.select_for_update(of=("self",)).select_related("loan").get(pk=write_off.pk)
    loan = _lock_loan(write_off.loan)
    _require(by, Action.APPROVE_PAYMENT, loan.venture.org_unit, what=_("No such loan."))
    if write_off.requested_by_id == by.pk:
        raise Forbidden(_("You cannot approve your own write-off; another organizer must."))
    if write_off.state != WriteOff.State.REQUESTED:
        raise Conflict(_("This write-off has been decided already."))
    write_off.decided_by, write_off.decided_at = by, timezone.now()
    if not approve:
        write_off.state = WriteOff.State.REJECTED
        write_off.save(update_fields=["state", "decided_by", "decided_at"])
        return write_off
    key = _key(idempotency_key)
    if loan_outstanding(loan) != write_off.amount:
        raise Conflict(_("Repayments arrived after the request; ask for the write-off again."))
    assert loan.payment_request is not None
    budget = loan.payment_request.budget
    txn = funds_services.loan_write_off(
        source=budget.source,
        payee=loan.venture.member,
        purpose=budget.purpose,
        amount=write_off.amount,
        requested_by=write_off.requested_by,
        by=by,
        idempotency_key=key,
        reason=(write_off.reason + (f" / {note.strip()}" if note.strip() else ""))[:200],
        reference=loan.reference,
    )
    write_off.state, write_off.transaction = WriteOff.State.APPROVED, txn
    write_off.save(update_fields=["state", "decided_by", "decided_at", "transaction"])
    loan.state = Loan.State.WRITTEN_OFF
    loan.save(update_fields=["state"])
    OverdueAlert.objects.filter(instalment__loan=loan, cleared_at__isnull=True).update(cleared_at=timezone.now())
    return write_off


def _close_rejected(rows: QuerySet[Any]) -> None:
    """A claim or support whose payment request the checker rejected (on the funds pages) is
    rejected too: it no longer counts, and the same period or goods may be asked for again."""
    rows.filter(state="requested", payment_request__state=PaymentRequest.State.REJECTED).update(state="rejected")


# --- 贴息 claims ------------------------------------------------------------------------------------


def subsidy_refund(product: LoanProduct, interest_paid: int) -> int:
    """min(interest × the product's share, the product's cap per claim), rounded down to the fen."""
    return min(interest_paid * product.subsidy_share_bp // 10_000, product.subsidy_cap)


def _months_of(period: str) -> set[tuple[int, int]]:
    """The (year, month)s a checked period covers: "2026" twelve, "2026-Q4" three, "2026-11" one."""
    year, _dash, rest = period.partition("-")
    if not rest:
        return {(int(year), month) for month in range(1, 13)}
    if rest.startswith("Q"):
        first = 3 * int(rest[1]) - 2
        return {(int(year), month) for month in range(first, first + 3)}
    return {(int(year), int(rest))}


@transaction.atomic
def subsidy_claim_create(
    *, loan: Loan, by: User, period: str, interest_paid: int, statement: str, budget: Budget
) -> SubsidyClaim:
    """The borrower showed the bank's interest statement for ``period``: ask for the refund (a
    payment request that another organizer approves). One claim per loan and period."""
    loan = _lock_loan(loan)
    venture = loan.venture
    _require(by, Action.REVIEW_VENTURES, venture.org_unit, what=_("No such loan."))
    if loan.kind != LoanProduct.Kind.SUBSIDISED:
        raise Conflict(_("Only a subsidised bank loan has interest to refund."))
    if loan.state == Loan.State.AWAITING_PAYMENT:
        raise Conflict(_("The loan has not been paid out."))
    period = _period(period)
    _fen(interest_paid, "interest_paid")
    statement = statement.strip()
    if not statement:
        raise InvalidInput(_("Enter the number of the bank's interest statement."), field="statement")
    months = _months_of(period)
    _close_rejected(SubsidyClaim.objects.filter(loan=loan))
    # One refund per month of interest: a year, its quarters and its months overlap, so "2026",
    # "2026-Q4" and "2026-11" cannot each be claimed (the unique constraint sees only equal text).
    for other in SubsidyClaim.objects.filter(loan=loan).exclude(state=SubsidyClaim.State.REJECTED):
        if months & _months_of(other.period):
            raise Conflict(
                _("This loan already has a claim for %(period)s.") % {"period": other.period}, field="period"
            )
    _check_budget(venture, budget)
    refund = subsidy_refund(venture.product, interest_paid)
    if refund <= 0:
        raise InvalidInput(_("The interest is too small to refund."), field="interest_paid")
    payment = funds_services.payment_request_create(
        by=by,
        budget=budget,
        amount=refund,
        period=period,
        payee=venture.member,
        kind=PaymentRequest.Kind.GRANT,
        memo=_("Interest subsidy %(period)s, statement %(statement)s")
        % {"period": period, "statement": statement[:40]},
    )
    claim = SubsidyClaim.objects.create(
        loan=loan,
        period=period,
        interest_paid=interest_paid,
        statement=statement[:64],
        refund=refund,
        payment_request=payment,
        created_by=by,
    )
    PaymentRequest.objects.filter(pk=payment.pk).update(reference=f"ventures.SubsidyClaim:{claim.pk}")
    return claim


@transaction.atomic
def subsidy_claim_pay(*, claim: SubsidyClaim, by: User, idempotency_key: str) -> SubsidyClaim:
    claim = SubsidyClaim.objects.select_for_update(of=("self",)).select_related("loan__venture").get(pk=claim.pk)
    _require(by, Action.MANAGE_VENTURES, claim.loan.venture.org_unit, what=_("No such claim."))
    funds_services.payment_request_pay(request=claim.payment_request, by=by, idempotency_key=idempotency_key)
    if claim.state != SubsidyClaim.State.PAID:
        claim.state = SubsidyClaim.State.PAID
        claim.save(update_fields=["state"])
    return claim


# --- support in kind --------------------------------------------------------------------------------


@dataclass
class ItemInput:
    name: str
    quantity: int
    unit_value: int


@transaction.atomic
def in_kind_create(
    *, venture: Venture, by: User, budget: Budget, supplier: str, items: list[ItemInput]
) -> InKindSupport:
    """Goods bought for an approved in-kind venture, at most the amount approved in all."""
    venture = _lock_venture(venture)
    _require(by, Action.MANAGE_VENTURES, venture.org_unit)
    if venture.product.kind != LoanProduct.Kind.IN_KIND:
        raise Conflict(_("This venture's support is a loan, not goods."))
    if venture.state != Venture.State.APPROVED:
        raise Conflict(_("Only an approved application gets support."))
    supplier = supplier.strip()
    if not supplier:
        raise InvalidInput(_("Name the supplier."), field="supplier")
    if not items:
        raise InvalidInput(_("List the goods."), field="items")
    for item in items:
        if not item.name.strip():
            raise InvalidInput(_("Name every item."), field="items")
        if isinstance(item.quantity, bool) or not isinstance(item.quantity, int) or item.quantity <= 0:
            raise InvalidInput(_("A quantity is a whole number above zero."), field="items")
        _fen(item.unit_value, "items")
    value = sum(item.quantity * item.unit_value for item in items)
    _close_rejected(InKindSupport.objects.filter(venture=venture))
    given = venture.in_kind.exclude(state=InKindSupport.State.REJECTED).aggregate(total=Sum("value"))["total"] or 0
    if given + value > venture.amount:
        raise InvalidInput(
            _("The support approved is %(approved)s; %(given)s is given already.")
            % {"approved": format_yuan(venture.amount), "given": format_yuan(given)},
            field="items",
        )
    _check_budget(venture, budget)
    listed = ", ".join(f"{item.name.strip()}×{item.quantity}" for item in items)
    payment = funds_services.payment_request_create(
        by=by,
        budget=budget,
        amount=value,
        period=_today().strftime("%Y-%m"),
        payee=venture.member,
        kind=PaymentRequest.Kind.IN_KIND,
        memo=f"{supplier}: {listed}"[:200],
    )
    support = InKindSupport.objects.create(
        venture=venture, supplier=supplier[:100], value=value, payment_request=payment, created_by=by
    )
    InKindItem.objects.bulk_create(
        [
            InKindItem(
                support=support, name=item.name.strip()[:100], quantity=item.quantity, unit_value=item.unit_value
            )
            for item in items
        ]
    )
    PaymentRequest.objects.filter(pk=payment.pk).update(reference=f"ventures.InKindSupport:{support.pk}")
    return support


@transaction.atomic
def in_kind_pay(*, support: InKindSupport, by: User, idempotency_key: str) -> InKindSupport:
    support = InKindSupport.objects.select_for_update(of=("self",)).select_related("venture").get(pk=support.pk)
    _require(by, Action.MANAGE_VENTURES, support.venture.org_unit, what=_("No such support."))
    funds_services.payment_request_pay(request=support.payment_request, by=by, idempotency_key=idempotency_key)
    if support.state != InKindSupport.State.PAID:
        support.state = InKindSupport.State.PAID
        support.save(update_fields=["state"])
        _funded(
            support.venture,
            on=_today(),
            by=by,
            what=_("goods worth %(value)s from %(supplier)s")
            % {"value": format_yuan(support.value), "supplier": support.supplier},
        )
    return support


# --- jobs created -----------------------------------------------------------------------------------


@transaction.atomic
def venture_link_employer(*, venture: Venture, by: User, employer: Employer) -> Venture:
    """The venture hires as this jobs employer: its placements count as jobs created."""
    venture = _lock_venture(venture)
    _require(by, Action.REVIEW_VENTURES, venture.org_unit)
    if venture.state != Venture.State.APPROVED:
        raise Conflict(_("Only an approved venture hires."))
    # Two ventures linking one employer at once: the employer's row lock makes the second wait and
    # then see the first (the database's one_venture_per_employer constraint is the last word).
    Employer.objects.select_for_update().filter(pk=employer.pk).first()
    if Venture.objects.filter(employer=employer).exclude(pk=venture.pk).exists():
        raise Conflict(_("This employer is linked to another venture."), field="employer")
    venture.employer = employer
    venture.save(update_fields=["employer"])
    return venture


@transaction.atomic
def venture_register_employer(
    *, venture: Venture, by: User, data: jobs_services.EmployerInput, username: str, password: str
) -> Venture:
    """Register the venture's business as a jobs employer (``jobs.services.employer_sign_up``: a
    login for the business, waiting for verification) and link it."""
    venture = _lock_venture(venture)
    _require(by, Action.REVIEW_VENTURES, venture.org_unit)
    if venture.state != Venture.State.APPROVED:
        raise Conflict(_("Only an approved venture hires."))
    if venture.employer_id is not None:
        raise Conflict(_("This venture is linked to an employer already."))
    employer, _login = jobs_services.employer_sign_up(data=data, username=username, password=password)
    venture.employer = employer
    venture.save(update_fields=["employer"])
    return venture
