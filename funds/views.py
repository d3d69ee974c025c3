"""Pages of the fund ledger: the auditor's reconciliation and ledger (read-only), the organizer's
approval queue (approve, reject, pay), asking for a payment, reversing a posting, and the anomaly
flags.

As in ``jobs.views``: every view authorises and fetches through a selector, then calls one
service; ``attempt`` translates a service's ``DomainError`` once. A page a role may not use is
"forbidden" (403); a record a user may not see is "not found" (404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core import params
from funds import selectors, services
from funds.approval import approval_limit
from funds.forms import DecisionForm, PayForm, PaymentRequestForm, ResolveForm, ReverseForm, new_idempotency_key
from funds.models import LedgerTransaction, PaymentRequest
from funds.money import format_yuan
from households import selectors as household_selectors
from households.models import Household

# Rows a page: within eight phone screens (issue 19).
PAGE_SIZE = 10
RECENT = 5  # postings on the overview
MEMBER_CHOICES = 300


funds_page = role_page  # pages for the roles holding any of the actions given


def _year(request: AuthedRequest) -> int | None:
    return params.year(request.GET.get("year"))


# --- the auditor's view: reconciliation and ledger ------------------------------------------------


QUEUE_ACTIONS = (Action.APPROVE_PAYMENT, Action.PAY_OUT, Action.REQUEST_PAYMENT)


@funds_page(Action.VIEW_FUNDS)
def overview(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    report = selectors.reconciliation_for(user, year=year)
    return render(
        request,
        "funds/overview.html",
        {
            "report": report,
            "year": year,
            "this_year": timezone.localdate().year,
            # The overview fits in 8 phone screens (issue 19): the latest few postings, each fund's
            # budgets folded; the ledger and the fund's own ledger hold the rest.
            "recent": selectors.transaction_list_for(user)[:RECENT],
            "open_flags": selectors.flag_list_for(user, open_only=True).count(),
            "waiting": len(selectors.approval_queue_for(user)),
            "to_pay": selectors.payments_to_pay_for(user).count(),
            # The payments page is for the makers, checkers and payers; an auditor reads the counts
            # here and each request from the ledger, and gets no link that would answer 403.
            "may_open_queue": any(visibility.may(user, a) for a in QUEUE_ACTIONS),
        },
    )


@funds_page(Action.VIEW_FUNDS)
def ledger_list(request: AuthedRequest) -> HttpResponse:
    transactions = selectors.transaction_list_for(request.user).select_related("reversed_by")
    kind = str(request.GET.get("kind", ""))
    if kind in LedgerTransaction.Kind.values:
        transactions = transactions.filter(kind=kind)
    fund = params.int_pk(request.GET.get("fund"))
    if fund:
        transactions = transactions.filter(source_id=fund)
    page = Paginator(transactions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/ledger.html",
        {
            "page": page,
            "kinds": LedgerTransaction.Kind.choices,
            "kind": kind,
            "funds": selectors.fund_list_for(request.user),
        },
    )


@funds_page(Action.VIEW_FUNDS, listing=False)
def transaction_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    txn = selectors.transaction_get_for(request.user, pk)
    return _transaction_page(request, txn)


def _transaction_page(request: AuthedRequest, txn: LedgerTransaction, form: ReverseForm | None = None) -> HttpResponse:
    may_reverse = (
        visibility.may(request.user, Action.MANAGE_FUNDS, txn.org_unit)
        and txn.kind != LedgerTransaction.Kind.REVERSAL
        and not LedgerTransaction.objects.filter(reverses=txn).exists()
    )
    return form_page(
        request,
        "funds/transaction.html",
        {
            "txn": txn,
            "reversal": LedgerTransaction.objects.filter(reverses=txn).first(),
            "flags": txn.flags.select_related("resolved_by"),
            "may_reverse": may_reverse,
            "form": form or ReverseForm(),
        },
    )


@funds_page(Action.MANAGE_FUNDS, listing=False)
@require_POST
def transaction_reverse(request: AuthedRequest, pk: str) -> HttpResponse:
    txn = selectors.transaction_get_for(request.user, pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.transaction_reverse,
            form=form,
            txn=txn,
            by=request.user,
            reason=form.cleaned_data["reason"],
            success=_("The posting is reversed."),
        )
        if done.ok:
            return redirect("funds:transaction", pk=done.value.pk)
    return _transaction_page(request, txn, form)


@funds_page(Action.VIEW_FUNDS)
def flags(request: AuthedRequest) -> HttpResponse:
    open_only = request.GET.get("all") != "1"
    rows = selectors.flag_list_for(request.user, open_only=open_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/flags.html",
        {
            "page": page,
            "open_only": open_only,
            "may_resolve": visibility.may(request.user, Action.MANAGE_FUNDS),
            "form": ResolveForm(),
        },
    )


@funds_page(Action.MANAGE_FUNDS, listing=False)
@require_POST
def flag_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get_for(request.user, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.flag_resolve,
            flag=flag,
            by=request.user,
            resolution=form.cleaned_data["resolution"],
            success=_("The flag is resolved."),
        )
    else:
        from django.contrib import messages

        messages.error(request, _("Say what was found."))
    return redirect("funds:flags")


# --- the organizer's queue: approve, reject, pay --------------------------------------------------


@funds_page(*QUEUE_ACTIONS)
def queue(request: AuthedRequest, bound: DecisionForm | None = None, bound_pk: int | None = None) -> HttpResponse:
    user = request.user
    rows = [
        (row, bound if bound is not None and row.request.pk == bound_pk else DecisionForm())
        for row in selectors.approval_queue_for(user)
    ]
    limit = approval_limit(user)
    return form_page(
        request,
        "funds/queue.html",
        {
            "rows": rows,
            "to_pay": [(r, new_idempotency_key()) for r in selectors.payments_to_pay_for(user)[:100]],
            "mine": selectors.payment_request_list_for(user).filter(requested_by=user)[:30],
            "limit": None if limit is None else format_yuan(limit),
            "may_approve": visibility.may(user, Action.APPROVE_PAYMENT),
            "may_request": visibility.may(user, Action.REQUEST_PAYMENT),
            "bound": bound,
        },
    )


def _decide(request: AuthedRequest, pk: int, approve: bool) -> HttpResponse:
    payment = selectors.payment_request_get_for(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        service: Callable[..., Any] = services.payment_request_approve if approve else services.payment_request_reject
        done = attempt(
            request,
            service,
            form=form,
            request=payment,
            by=request.user,
            note=form.cleaned_data["note"],
            success=(_("Approved: %(payee)s, %(amount)s.") if approve else _("Rejected: %(payee)s, %(amount)s."))
            % {"payee": payment.payee_name, "amount": format_yuan(payment.amount)},
        )
        if done.ok:
            return redirect("funds:queue")
    return queue(request, bound=form, bound_pk=payment.pk)


@funds_page(Action.APPROVE_PAYMENT, listing=False)
@require_POST
def request_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@funds_page(Action.APPROVE_PAYMENT, listing=False)
@require_POST
def request_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@funds_page(Action.PAY_OUT, listing=False)
@require_POST
def request_pay(request: AuthedRequest, pk: int) -> HttpResponse:
    payment = selectors.payment_request_get_for(request.user, pk)
    form = PayForm(request.POST)
    if not form.is_valid():
        raise Http404(_("Not found."))
    done = attempt(
        request,
        services.payment_request_pay,
        request=payment,
        by=request.user,
        idempotency_key=form.cleaned_data["idempotency_key"],
        success=_("Paid: %(payee)s, %(amount)s.")
        % {"payee": payment.payee_name, "amount": format_yuan(payment.amount)},
    )
    if done.ok:
        return redirect("funds:transaction", pk=done.value.pk)
    return redirect("funds:queue")


# --- asking for a payment -------------------------------------------------------------------------


def _request_form(request: AuthedRequest, data: Any = None) -> PaymentRequestForm:
    user = request.user
    year = timezone.localdate().year
    budgets = [
        (b.pk, f"{b.source.name} · {b.org_unit.name} · {b.purpose} · {b.year} · {format_yuan(b.amount)}")
        for b in selectors.budgets_to_draw_on(user).filter(year__gte=year - 1).order_by("-year", "org_unit__path")
    ]
    members = (
        household_selectors.member_list_for(user)
        .filter(is_current=True)
        .exclude(household__state=Household.State.CLOSED)
        .order_by("household__number", "pk")[:MEMBER_CHOICES]
    )
    return PaymentRequestForm(
        data, budgets=budgets, members=[(m.pk, f"{m.name} · {m.household.number}") for m in members]
    )


@funds_page(Action.REQUEST_PAYMENT)
def request_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = _request_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        budget = selectors.budgets_to_draw_on(user).filter(pk=data["budget"]).first()
        payee = household_selectors.member_get_for(user, data["payee"]) if data.get("payee") else None
        if budget is None:
            form.add_error("budget", _("Choose a budget."))
        else:
            done = attempt(
                request,
                services.payment_request_create,
                form=form,
                by=user,
                budget=budget,
                amount=data["amount"],
                period=data["period"],
                kind=data["kind"],
                payee=payee,
                payee_name=data.get("payee_name", ""),
                memo=data.get("memo", ""),
                success=_("The request is sent for approval."),
            )
            if done.ok:
                return redirect("funds:queue")
    return form_page(request, "funds/request_form.html", {"form": form})


@funds_page(Action.VIEW_FUNDS, Action.REQUEST_PAYMENT, listing=False)
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    payment = selectors.payment_request_get_for(request.user, pk)
    return render(
        request,
        "funds/request.html",
        {
            "payment": payment,
            "warnings": services.request_warnings(payment),
            "pay_key": new_idempotency_key(),
            "may_pay": payment.state == PaymentRequest.State.APPROVED
            and visibility.may(request.user, Action.PAY_OUT, payment.org_unit),
        },
    )
