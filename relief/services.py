"""Every write of the relief core, for every track. Each function checks who is acting, validates,
locks what its checks need and writes in one transaction; a refusal is a ``core.errors.DomainError``
and nothing is written. The core calls the track's hooks (``relief/registry.py``) and never names a
track. Money moves only through ``funds.services``.

The lifecycle of an application:

1. ``application_create``: the worker online, or a helper or organizer on their behalf with the
   worker's consent recorded. The track's rule is evaluated on the archive (an ineligible member is
   refused with the reason), its form checked, its amount computed, its caps per household and per
   person in the period checked under a lock on the household.
2. ``application_review``: the household's helper, then an organizer of the household's unit, then
   (above the track's threshold) an organizer of a unit above. Nobody reviews an application they
   made or that is for their own household, nobody decides two steps of one application, and the
   helper's approval is never the last word (the organizer's step always follows). A refusal
   carries a reason the worker sees.
3. On the last approval the track may reserve what it needs (a campaign's budget, under a lock)
   and, when the application pays, the payment is asked for through ``funds`` (the approver is the
   maker): cash as a grant, goods in kind as an ``in_kind`` payment with the items in its memo.
4. ``application_payment_approve``: the checker, never the maker, within their limit (funds).
5. ``application_pay``: posts the payment once per idempotency key, records the ``Benefit`` (and
   its goods), and meets the household's open plan goal of the track. An application that pays
   nothing (a referral granted by the civil-affairs office) is given by ``application_give``.

Locks: application row, then household row (caps), then the track's own rows (a campaign), then
the funds rows in funds' own order (payment request, budget, fund).

Events for notifications (issue 15 wires them; this module sends nothing): an application
submitted (to the helper), decided at each step (to the next reviewer; refused or approved: to
the worker), its payment approved (to whoever pays), given or paid (to the worker). Each is marked
``# notify:`` below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import review_chain, visibility
from accounts.models import OrgUnit, Role, User
from accounts.review_chain import Step
from accounts.visibility import Action
from core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from funds import selectors as funds_selectors
from funds import services as funds_services
from funds.models import Budget, LedgerTransaction, PaymentRequest
from funds.money import MAX_FEN, format_yuan
from households import services as household_services
from households.models import Household, Member, Pairing
from relief.models import Application, Benefit, BenefitItem, Decision
from relief.registry import Item, Kind, Prepared, Track, tracks

MAX_ITEMS = 50
MAX_NOTE = 300

# --- shared checks ----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _require(user: User, action: Action, unit: OrgUnit | None = None, *, what: str = "") -> None:
    """The role must allow ``action`` (else 403), the unit must be in reach (else 404)."""
    if not visibility.may(user, action):
        raise Forbidden(_("Your role does not allow this."))
    if unit is not None and not visibility.may(user, action, unit):
        raise NotFound(what or _("No such application."))


def _track(code: str | Track) -> Track:
    if isinstance(code, Track):
        return code
    entry = tracks.get(str(code))
    if entry is None:
        raise NotFound(_("No such relief track."), field="track")
    return entry


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("member__household", "org_unit", "household")
        .get(pk=application.pk)
    )


def household_helper(household: Household) -> User | None:
    pairing = Pairing.objects.filter(household=household, ended_on__isnull=True).select_related("helper").first()
    return pairing.helper if pairing else None


def _own_household(user: User, household: Household) -> bool:
    return Member.objects.filter(household=household, user=user).exists()


def check_items(items: list[Item]) -> list[Item]:
    if len(items) > MAX_ITEMS:
        raise InvalidInput(_("At most %(n)s kinds of goods.") % {"n": MAX_ITEMS}, field="goods")
    for item in items:
        if not item.name.strip():
            raise InvalidInput(_("Name every item."), field="goods")
        if isinstance(item.quantity, bool) or not isinstance(item.quantity, int) or not 0 < item.quantity <= 10_000:
            raise InvalidInput(_("A quantity is a whole number from 1 to 10,000."), field="goods")
        funds_services.check_amount(item.unit_value, "goods")
    return items


def _items_json(items: list[Item]) -> list[dict[str, Any]]:
    return [{"name": i.name.strip()[:100], "quantity": i.quantity, "unit_value": i.unit_value} for i in items]


def items_of(application: Application) -> list[Item]:
    return [Item(str(g["name"]), int(g["quantity"]), int(g["unit_value"])) for g in application.goods or []]


# --- caps -------------------------------------------------------------------------------------------


def received_in_period(
    *, track: Track, period: str, household: Household | None = None, member: Member | None = None
) -> int:
    """What the track has given or committed (applications not refused or withdrawn) in the period,
    to the household or to the person, in fen."""
    rows = Application.objects.filter(track=track.code, period=period, state__in=Application.COUNTED_STATES)
    if household is not None:
        rows = rows.filter(household=household)
    if member is not None:
        rows = rows.filter(member=member)
    totals = rows.aggregate(cash=Sum("amount"), goods=Sum("goods_value"))
    return int(totals["cash"] or 0) + int(totals["goods"] or 0)


def check_caps(*, track: Track, member: Member, period: str, total: int, exclude: Application | None = None) -> None:
    """The track's caps per household and per person in the period. The caller holds the lock on
    the household row, so two applications at once cannot together pass a cap."""
    caps = track.caps
    for cap, scope, label in (
        (caps.per_household, {"household": member.household}, _("this household")),
        (caps.per_person, {"member": member}, member.name),
    ):
        if cap is None:
            continue
        used = received_in_period(track=track, period=period, **scope)  # type: ignore[arg-type]
        if exclude is not None and exclude.state in Application.COUNTED_STATES:
            used -= exclude.total
        if used + total > cap:
            raise Conflict(
                _(
                    "%(track)s gives at most %(cap)s to %(whom)s in %(period)s; %(used)s is given or asked for "
                    "already, so %(amount)s more is over the cap."
                )
                % {
                    "track": track.name,
                    "cap": format_yuan(cap),
                    "whom": label,
                    "period": period,
                    "used": format_yuan(used),
                    "amount": format_yuan(total),
                },
                field="amount",
                code="over_cap",
            )


# --- applying ---------------------------------------------------------------------------------------


def _form_errors(form: Any) -> InvalidInput:
    field, errors = next(iter(form.errors.items()))
    return InvalidInput(str(errors[0]), field=None if field == "__all__" else field)


def clean_details(track: Track, data: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """The track's own fields, checked by its form (the page and the API send the same)."""
    form = track.form()(data=data, files=files)
    if not form.is_valid():
        raise _form_errors(form)
    return dict(form.cleaned_data)


def _acting_for(by: User, member: Member) -> str:
    """Who may apply for ``member``: a worker for a member of their own household, staff for a
    household in reach. Returns the channel."""
    household = member.household
    if by.role == Role.WORKER:
        _require(by, Action.APPLY_RELIEF)
        if not _own_household(by, household):
            raise NotFound(_("No such member."), field="member")
        return Application.Channel.ONLINE
    _require(by, Action.REVIEW_RELIEF, household.org_unit, what=_("No such member."))
    return Application.Channel.STAFF


@transaction.atomic
def application_create(
    *,
    by: User,
    track: str | Track,
    member: Member,
    data: dict[str, Any] | None = None,
    files: Any = None,
    consent_note: str = "",
    on: dt.date | None = None,
) -> Application:
    """Apply to a track for ``member``. Staff applying on a worker's behalf say how the worker
    consented (a signed form, a call on a date)."""
    entry = _track(track)
    on = on or _today()
    channel = _acting_for(by, member)
    if channel == Application.Channel.ONLINE and entry.extra.get("staff_only"):
        raise NotFound(_("No such relief track."), field="track")
    if entry.kind != Kind.BENEFIT:
        raise Conflict(_("%(track)s follows a case over time; it takes no applications here.") % {"track": entry.name})
    consent_note = consent_note.strip()
    if channel == Application.Channel.STAFF and not consent_note:
        raise InvalidInput(
            _("Record how the worker agreed to this application (a signed form, a call and its date)."),
            field="consent_note",
        )
    # The household row is the lock that keeps the caps: two applications for one household
    # wait for each other here, and the second sees the first.
    household = Household.objects.select_for_update().select_related("org_unit", "region").get(pk=member.household_id)
    member = Member.objects.select_related("household").get(pk=member.pk)
    member.household = household
    eligibility = entry.eligibility(member, on)
    if not eligibility.ok:
        raise InvalidInput(
            _("%(name)s is not eligible for %(track)s: %(reasons)s")
            % {"name": member.name, "track": entry.name, "reasons": " ".join(eligibility.reasons)},
            field="member",
            code="ineligible",
        )
    cleaned = clean_details(entry, data or {}, files)
    prepared: Prepared = entry.prepare(member, cleaned, on)
    period = prepared.period or entry.period_of(on)
    check_items(prepared.items)
    total = prepared.total
    if total > MAX_FEN or prepared.amount < 0:
        raise InvalidInput(_("The amount is out of range."), field="amount")
    if total and not entry.pays.moves_money:
        raise InvalidInput(_("%(track)s gives no money.") % {"track": entry.name}, field="amount")
    check_caps(track=entry, member=member, period=period, total=total)
    application = Application.objects.create(
        track=entry.code,
        member=member,
        household=household,
        org_unit=household.org_unit,
        period=period,
        amount=prepared.amount,
        goods=_items_json(prepared.items),
        goods_value=prepared.goods_value,
        summary=(prepared.summary or entry.name)[:200],
        details=prepared.details,
        eligibility=list(eligibility.reasons),
        channel=channel,
        consent_note=consent_note[:200],
        created_by=by,
    )
    try:
        with transaction.atomic():
            entry.on_created(application, cleaned)
    except IntegrityError as exc:  # the track's own constraint, met by a request at the same instant
        raise Conflict(_("This application duplicates one made already."), code="duplicate") from exc
    # notify: submitted -> the household's helper
    return application


# --- reviewing --------------------------------------------------------------------------------------

STEP_OF_STATE = {
    Application.State.HELPER_REVIEW: Step.HELPER,
    Application.State.ORGANIZER_REVIEW: Step.ORGANIZER,
    Application.State.UPPER_REVIEW: Step.UPPER,
}
STATE_OF_STEP = {step: state for state, step in STEP_OF_STATE.items()}


def needs_upper_review(application: Application) -> bool:
    entry = application.track_entry
    threshold = entry.review_threshold if entry is not None else None
    return threshold is not None and application.total > threshold


def may_review(user: User, application: Application) -> str:
    """Why ``user`` may not decide the application's current step ("" when they may)."""
    step = STEP_OF_STATE.get(Application.State(application.state))
    if step is None:
        return _("This application is not waiting for a review.")
    if not visibility.may(user, Action.REVIEW_RELIEF, application.org_unit):
        return _("This application is outside your reach.")
    if application.created_by_id == user.pk:
        return _("You made this application; someone else reviews it.")
    if _own_household(user, application.household):
        return _("You cannot review an application for your own household.")
    return review_chain.step_refusal(
        user,
        step,
        unit=application.org_unit,
        decisions=application.decisions.all(),
        helper=household_helper(application.household) if step == Step.HELPER else None,
        needs_upper=needs_upper_review(application),
        maker_id=application.created_by_id,
    )


@transaction.atomic
def application_review(
    *, application: Application, by: User, approve: bool, note: str = "", expected_state: str = ""
) -> Application:
    """Decide the current step; a refusal needs the reason the worker will read.

    ``expected_state`` is the state the reviewer saw: when someone decided that step meanwhile,
    this decision is refused rather than applied to the next step."""
    application = _lock(application)
    _require(by, Action.REVIEW_RELIEF, application.org_unit)
    if expected_state and expected_state != application.state:
        raise Conflict(
            _("This application has changed since you opened it (it is now: %(state)s). Look again before deciding.")
            % {"state": application.get_state_display()}
        )
    reason = may_review(by, application)
    if reason:
        if not application.in_review or application.decisions.filter(reviewer=by).exists():
            raise Conflict(reason)
        raise Forbidden(reason)
    note = note.strip()
    if not approve and not note:
        raise InvalidInput(_("Say why the application is refused: the worker reads it."), field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("Keep the note under 300 characters."), field="note")
    step = STEP_OF_STATE[Application.State(application.state)]
    entry = _track(application.track)
    Decision.objects.create(application=application, step=step, reviewer=by, approved=approve, note=note)
    fields = ["state"]
    if not approve:
        application.state = Application.State.REFUSED
        application.refusal_reason = note
        fields.append("refusal_reason")
    else:
        after = review_chain.step_after(step, needs_upper=needs_upper_review(application))
        application.state = Application.State.APPROVED if after is None else STATE_OF_STEP[after]
    if application.state in (Application.State.APPROVED, Application.State.REFUSED):
        application.decided_at = timezone.now()
        fields.append("decided_at")
    application.save(update_fields=fields)
    if application.state == Application.State.APPROVED:
        # The caps again, now under the household's lock: another application may have been
        # approved since this one was made.
        household = Household.objects.select_for_update().get(pk=application.household_id)
        application.member.household = household
        check_caps(
            track=entry,
            member=application.member,
            period=application.period,
            total=application.total,
            exclude=application,
        )
        entry.on_approved(application)
        if application.moves_money:
            _request_payment(application, by)
        # notify: approved -> the worker; payment waiting -> the checkers
    elif application.state == Application.State.REFUSED:
        entry.on_refused(application)
        # notify: refused (with the reason) -> the worker
    # notify: next step -> its reviewer
    return application


@dataclass
class BatchOutcome:
    application: Application
    ok: bool
    message: str = ""


def applications_review_batch(
    *, applications: list[Application], by: User, approve: bool, note: str = ""
) -> list[BatchOutcome]:
    """Decide the current step of many applications (a ranked list), each in its own transaction:
    one refused (a budget spent, a cap reached) does not undo the others."""
    outcomes = []
    for application in applications:
        try:
            done = application_review(application=application, by=by, approve=approve, note=note)
            outcomes.append(BatchOutcome(done, True))
        except DomainError as exc:
            outcomes.append(BatchOutcome(application, False, exc.message))
    return outcomes


@transaction.atomic
def application_withdraw(*, application: Application, by: User) -> Application:
    """The worker (or the staff who made it) takes back an application still in review."""
    application = _lock(application)
    if not (
        _own_household(by, application.household) or visibility.may(by, Action.REVIEW_RELIEF, application.org_unit)
    ):
        raise NotFound(_("No such application."))
    if not application.in_review:
        raise Conflict(_("Only an application still in review can be withdrawn."))
    application.state = Application.State.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["state", "decided_at"])
    _track(application.track).on_refused(application)
    return application


# --- money ------------------------------------------------------------------------------------------


def budgets_for(application: Application, *, year: int | None = None) -> list[Budget]:
    """This year's budgets of the track's purpose that cover the application's unit: the unit's
    own first, then the units above it."""
    entry = _track(application.track)
    unit = application.org_unit
    units = {u.pk: u.depth for u in unit.ancestors()}
    units[unit.pk] = unit.depth
    budgets = Budget.objects.filter(
        purpose__code=entry.purpose, year=year or _today().year, org_unit__in=list(units)
    ).select_related("source", "org_unit", "purpose")
    return sorted(budgets, key=lambda b: (-units[b.org_unit_id], b.pk))


def _budget_for(application: Application) -> Budget:
    entry = _track(application.track)
    chosen = entry.budget_for(application) if entry.budget_for is not None else None
    if chosen is not None:
        return chosen
    for budget in budgets_for(application):
        if funds_selectors.budget_line(budget).remaining >= application.total:
            return budget
    raise Conflict(
        _("No %(purpose)s budget of %(year)s covering %(unit)s has %(amount)s left; ask the fund's manager.")
        % {
            "purpose": entry.name,
            "year": _today().year,
            "unit": application.org_unit,
            "amount": format_yuan(application.total),
        },
        code="no_budget",
    )


def _request_payment(application: Application, by: User) -> None:
    """Ask funds for the payment (the approver is the maker); cash and goods are two requests."""
    budget = _budget_for(application)
    period = _today().strftime("%Y-%m")
    member = application.member
    if application.amount:
        application.cash_request = funds_services.payment_request_create(
            by=by,
            budget=budget,
            period=period,
            payee=member,
            amount=application.amount,
            kind=PaymentRequest.Kind.GRANT,
            memo=application.summary[:200],
            reference=application.reference,
        )
    if application.goods_value:
        listed = ", ".join(f"{i.name}×{i.quantity}" for i in items_of(application))
        application.goods_request = funds_services.payment_request_create(
            by=by,
            budget=budget,
            period=period,
            payee=member,
            amount=application.goods_value,
            kind=PaymentRequest.Kind.IN_KIND,
            memo=f"{application.summary}: {listed}"[:200],
            reference=application.reference,
        )
    application.budget = budget
    application.save(update_fields=["budget", "cash_request", "goods_request"])


def _requests(application: Application) -> list[PaymentRequest]:
    ids = [pk for pk in (application.cash_request_id, application.goods_request_id) if pk]
    return list(PaymentRequest.objects.filter(pk__in=ids).select_related("transaction").order_by("pk"))


@transaction.atomic
def application_payment_approve(*, application: Application, by: User, note: str = "") -> Application:
    """The checker approves the payment: never its maker, within their limit (``funds``)."""
    application = _lock(application)
    _require(by, Action.APPROVE_PAYMENT, application.org_unit)
    if application.state != Application.State.APPROVED or not application.moves_money:
        raise Conflict(_("This application has no payment waiting for approval."))
    waiting = [r for r in _requests(application) if r.state == PaymentRequest.State.REQUESTED]
    if not waiting:
        raise Conflict(_("The payment of this application has been decided already."))
    for request in waiting:
        funds_services.payment_request_approve(request=request, by=by, note=note)
    # notify: payment approved -> whoever pays
    return application


def _paid(application: Application, request: PaymentRequest | None, by: User, key: str) -> LedgerTransaction | None:
    if request is None:
        return None
    if request.state == PaymentRequest.State.PAID and request.transaction is not None:
        return request.transaction
    return funds_services.payment_request_pay(request=request, by=by, idempotency_key=key)


@transaction.atomic
def application_pay(*, application: Application, by: User, idempotency_key: str) -> Benefit:
    """Post the approved payment (cash, goods or both) and record the benefit. A retry with the
    same key pays nothing more and returns the benefit; another key is told it is paid already."""
    key = funds_services.check_idempotency_key(idempotency_key)
    application = _lock(application)
    _require(by, Action.PAY_OUT, application.org_unit)
    if application.state == Application.State.GIVEN:
        benefit = Benefit.objects.filter(application=application).select_related("cash_transaction").first()
        keys = {
            getattr(benefit.cash_transaction, "idempotency_key", None) if benefit else None,
            getattr(benefit.goods_transaction, "idempotency_key", None) if benefit else None,
        }
        if benefit is not None and (key in keys or f"{key}:goods" in keys):
            return benefit
        raise Conflict(_("This application was paid already."), code="paid_already")
    if application.state != Application.State.APPROVED or not application.moves_money:
        raise Conflict(
            _("Only an approved application that pays can be paid (this one is: %(state)s).")
            % {"state": application.get_state_display()}
        )
    requests = {r.pk: r for r in _requests(application)}
    cash_request = requests.get(application.cash_request_id or 0)
    goods_request = requests.get(application.goods_request_id or 0)
    for request in (cash_request, goods_request):
        if request is not None and request.state not in (PaymentRequest.State.APPROVED, PaymentRequest.State.PAID):
            raise Conflict(
                _("The payment must be approved by a checker first (it is: %(state)s).")
                % {"state": request.get_state_display()}
            )
    cash = _paid(application, cash_request, by, key)
    goods = _paid(application, goods_request, by, f"{key}:goods" if cash_request is not None else key)
    posted = cash or goods
    day = timezone.localtime(posted.created_at).date() if posted is not None else _today()
    return _give(application, by=by, on=day, cash=cash, goods=goods)


@transaction.atomic
def application_give(*, application: Application, by: User, on: dt.date | None = None, summary: str = "") -> Benefit:
    """An approved application that pays nothing through the union is given: the referral was
    granted, the service was delivered. ``summary`` says what the household received."""
    application = _lock(application)
    _require(by, Action.REVIEW_RELIEF, application.org_unit)
    if application.state != Application.State.APPROVED:
        raise Conflict(_("Only an approved application can be given."))
    if application.moves_money:
        raise Conflict(_("This application pays: it is given when the payment is posted."))
    on = on or _today()
    if on > _today():
        raise InvalidInput(_("A benefit is recorded once it has been received."), field="on")
    return _give(application, by=by, on=on, summary=summary)


@transaction.atomic
def application_close(*, application: Application, by: User, reason: str) -> Application:
    """An approved application that paid nothing ends without a benefit: the office it was
    referred to refused. The reason is the worker's to read, as for a refusal."""
    application = _lock(application)
    _require(by, Action.REVIEW_RELIEF, application.org_unit)
    if application.state != Application.State.APPROVED or application.moves_money:
        raise Conflict(_("Only an approved application that pays nothing can be closed this way."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the application ends."), field="reason")
    application.state = Application.State.REFUSED
    application.refusal_reason = reason[:MAX_NOTE]
    application.decided_at = timezone.now()
    application.save(update_fields=["state", "refusal_reason", "decided_at"])
    _track(application.track).on_refused(application)
    # notify: refused (with the reason) -> the worker
    return application


def _give(
    application: Application,
    *,
    by: User,
    on: dt.date,
    cash: LedgerTransaction | None = None,
    goods: LedgerTransaction | None = None,
    summary: str = "",
) -> Benefit:
    entry = _track(application.track)
    kind = (
        Benefit.Kind.CASH_AND_GOODS
        if cash and goods
        else Benefit.Kind.CASH
        if cash
        else Benefit.Kind.GOODS
        if goods
        else Benefit.Kind.NONE
    )
    benefit = Benefit.objects.create(
        application=application,
        track=application.track,
        member=application.member,
        household=application.household,
        org_unit=application.org_unit,
        kind=kind,
        amount=application.amount if cash else 0,
        goods_value=application.goods_value if goods else 0,
        period=application.period,
        received_on=on,
        summary=(summary.strip() or application.summary)[:200],
        cash_transaction=cash,
        goods_transaction=goods,
        recorded_by=by,
    )
    if goods is not None:
        BenefitItem.objects.bulk_create(
            [
                BenefitItem(benefit=benefit, name=i.name, quantity=i.quantity, unit_value=i.unit_value)
                for i in items_of(application)
            ]
        )
    application.state = Application.State.GIVEN
    application.save(update_fields=["state"])
    if entry.goal_track:
        posted = cash or goods
        voucher = posted.short_id if posted is not None else ""
        evidence = f"{entry.name}: {benefit.summary}"
        if benefit.total:
            evidence += f" {format_yuan(benefit.total)}"
        if voucher:
            evidence += " " + _("(voucher %(voucher)s)") % {"voucher": voucher}
        goals = household_services.plan_goals_meet(
            member=application.member, track=entry.goal_track, on=on, evidence=evidence, by=by
        )
        if goals:
            benefit.goal = goals[0]
            benefit.save(update_fields=["goal"])
    entry.on_paid(application, benefit)
    # notify: given/paid -> the worker
    return benefit


@transaction.atomic
def application_payment_retry(*, application: Application, by: User) -> Application:
    """The checker rejected the payment (on these pages or the funds pages): ask again, from a
    budget with enough left. ``by`` is the new maker; the rejected request stays in the funds'
    records with its reason."""
    application = _lock(application)
    _require(by, Action.REQUEST_PAYMENT, application.org_unit)
    requests = _requests(application)
    if application.state != Application.State.APPROVED or not requests:
        raise Conflict(_("This application has no payment to ask for again."))
    if not any(r.state == PaymentRequest.State.REJECTED for r in requests):
        raise Conflict(_("The payment was not rejected; there is nothing to ask again."))
    if any(r.state == PaymentRequest.State.PAID for r in requests):
        raise Conflict(_("Part of this payment was made; settle it on the funds pages."))
    application.cash_request = application.goods_request = None
    _request_payment(application, by)
    return application
