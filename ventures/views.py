"""Pages of 创业援助: workers apply and follow their application and schedule; helpers and
organizers review, guide, open and pay out loans, record repayments, ask for and approve
write-offs, claim 贴息 and give support in kind; everyone with the right reads the portfolio and
the overdue list; auditors read (with links to the funds' ledger and reconciliation).

As in ``funds.views``: every view authorises and fetches through a selector, then calls one
service; ``attempt`` translates a service's ``DomainError`` once. A list a role may not use is
"forbidden" (403); a record a user may not see is "not found" (404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.models import Role
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core.errors import NotFound
from funds import services as funds_services
from funds.forms import PayForm, new_idempotency_key
from funds.models import PaymentRequest
from funds.money import format_yuan
from households import picker
from households import selectors as household_selectors
from households.models import Household
from jobs import selectors as jobs_selectors
from ventures import selectors, services
from ventures.forms import (
    ApplyForm,
    ClaimForm,
    EmployerLinkForm,
    GuidanceForm,
    InKindForm,
    OpenLoanForm,
    RepaymentForm,
    ReviewForm,
    StaffApplyForm,
    WriteOffForm,
)
from ventures.models import Loan, LoanProduct, Venture, WriteOff

PAGE_SIZE = 50
STAFF = (Action.VIEW_VENTURES,)


def _products() -> list[tuple[int, str]]:
    return [
        (p.pk, _("%(name)s · up to %(cap)s") % {"name": p.name, "cap": format_yuan(p.cap)})
        for p in selectors.product_list()
    ]


def _budget_choices(venture: Venture) -> list[tuple[int, str]]:
    return [
        (b.pk, f"{b.source.name} · {b.org_unit.name} · {b.year} · {format_yuan(b.amount)}")
        for b in services.budgets_for(venture)
    ]


@role_page()
def home(request: AuthedRequest) -> HttpResponse:
    if visibility.may(request.user, Action.REVIEW_VENTURES):
        return redirect("ventures:queue")
    if visibility.may(request.user, Action.VIEW_VENTURES):
        return redirect("ventures:portfolio")
    return redirect("ventures:mine")


# --- workers ----------------------------------------------------------------------------------------


@role_page(Action.APPLY_VENTURE, Action.REVIEW_VENTURES)
def apply(request: AuthedRequest) -> HttpResponse:
    """A worker applies for their own business; a helper or organizer for a member in reach."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    staff = user.role != Role.WORKER
    form: ApplyForm
    context: dict[str, Any] = {}
    if staff:
        # Anyone in reach, found with the people picker (no capped list); ?member= comes ticked.
        members = picker.members_in_reach(user).filter(household__state=Household.State.ACTIVE)
        context["picker"] = picker.form_context(
            user, request.POST if data is not None else request.GET, base=members, fragment_url=request.path
        )
        if (results := picker.results_only(request, context["picker"])) is not None:
            return results
        if data is not None and "search" in data:  # the picker's search without JS: apply nothing
            kept = {k: v for k, v in data.items() if k not in ("csrfmiddlewaretoken", "member", "q", "search")}
            form = StaffApplyForm(products=_products(), members=members, initial=kept)
            data = None
        else:
            form = StaffApplyForm(data, products=_products(), members=members)
    else:
        form = ApplyForm(data, products=_products())
    member = None if staff else household_selectors.my_member(user)
    if not staff and member is None:
        raise NotFound(_("Your login is not linked to a member of the archive."))
    if data is not None and form.is_valid():
        values = form.cleaned_data
        if staff:
            member = values["member"]
        product = selectors.product_list().filter(pk=values["product"]).first()
        if product is None:
            form.add_error("product", _("Choose the kind of support."))
        else:
            assert member is not None
            done = attempt(
                request,
                services.venture_create,
                form=form,
                by=user,
                member=member,
                product=product,
                submit=True,
                data=services.VentureInput(
                    business_name=values["business_name"],
                    business=values["business"],
                    address=values["address"],
                    total_cost=values["total_cost"],
                    own_funds=values.get("own_funds") or 0,
                    amount=values["amount"],
                    expected_monthly_income=values.get("expected_monthly_income") or 0,
                    jobs_expected=values.get("jobs_expected") or 0,
                ),
                success=_("Your application is sent to the helper."),
            )
            if done.ok:
                return redirect("ventures:detail", pk=done.value.pk)
    return form_page(request, "ventures/apply.html", {"form": form, "products": selectors.product_list(), **context})


@role_page(Action.APPLY_VENTURE)
def mine(request: AuthedRequest) -> HttpResponse:
    ventures = selectors.venture_list_for(request.user).select_related("loan").prefetch_related("loan__instalments")
    rows = []
    for venture in ventures:
        loan = getattr(venture, "loan", None)
        rows.append((venture, loan, selectors.next_due(loan) if loan and loan.state == Loan.State.ACTIVE else None))
    return render(request, "ventures/mine.html", {"rows": rows})


# --- one venture ------------------------------------------------------------------------------------


def _detail(request: AuthedRequest, venture: Venture, **forms: Any) -> HttpResponse:
    user = request.user
    loan: Loan | None = Loan.objects.filter(venture=venture).select_related("payment_request__transaction").first()
    unit = venture.org_unit
    review_reason = services.may_review(user, venture) if venture.in_review else ""
    may_manage = visibility.may(user, Action.MANAGE_VENTURES, unit)
    may_review_here = visibility.may(user, Action.REVIEW_VENTURES, unit)
    payment: PaymentRequest | None = loan.payment_request if loan else None
    context: dict[str, Any] = {
        "venture": venture,
        "reviews": venture.reviews.select_related("reviewer"),
        "guidance": venture.guidance.all(),
        "loan": loan,
        "instalments": loan.instalments.all() if loan else [],
        "next_due": selectors.next_due(loan) if loan and loan.state == Loan.State.ACTIVE else None,
        "outstanding": services.loan_outstanding(loan) if loan else 0,
        "repayments": loan.repayments.all() if loan else [],
        "claims": loan.subsidy_claims.select_related("payment_request") if loan else [],
        "write_offs": loan.write_offs.select_related("requested_by", "decided_by") if loan else [],
        "in_kind": venture.in_kind.prefetch_related("items").select_related("payment_request"),
        "jobs_created": selectors.jobs_created(venture),
        "is_staff": visibility.may(user, Action.VIEW_VENTURES),
        "may_decide": venture.in_review and not review_reason and may_review_here,
        "review_reason": review_reason,
        "may_guide": may_review_here,
        "may_open": may_manage
        and venture.state == Venture.State.APPROVED
        and venture.product.kind != LoanProduct.Kind.IN_KIND
        and (loan is None or (payment is not None and payment.state == PaymentRequest.State.REJECTED)),
        "may_in_kind": may_manage
        and venture.state == Venture.State.APPROVED
        and venture.product.kind == LoanProduct.Kind.IN_KIND,
        "may_approve_payment": payment is not None
        and payment.state == PaymentRequest.State.REQUESTED
        and visibility.may(user, Action.APPROVE_PAYMENT, unit)
        and payment.requested_by_id != user.pk,
        "may_disburse": loan is not None
        and loan.state == Loan.State.AWAITING_PAYMENT
        and payment is not None
        and payment.state in (PaymentRequest.State.APPROVED, PaymentRequest.State.PAID)
        and may_manage,
        "may_repay": loan is not None
        and loan.state == Loan.State.ACTIVE
        and visibility.may(user, Action.RECORD_RECEIPT, unit),
        "may_write_off": loan is not None
        and loan.is_union_loan
        and loan.state == Loan.State.ACTIVE
        and may_review_here
        and not loan.write_offs.filter(state=WriteOff.State.REQUESTED).exists(),
        "may_decide_write_off": visibility.may(user, Action.APPROVE_PAYMENT, unit),
        "may_claim": loan is not None and loan.kind == LoanProduct.Kind.SUBSIDISED and may_review_here,
        "may_pay": visibility.may(user, Action.PAY_OUT, unit) and may_manage,
        "may_approve_requests": visibility.may(user, Action.APPROVE_PAYMENT, unit),
        "may_link": may_review_here and venture.state == Venture.State.APPROVED and venture.employer_id is None,
        "pay_key": new_idempotency_key(),
        "review_form": forms.get("review_form") or ReviewForm(initial={"expected_state": venture.state}),
        "guidance_form": forms.get("guidance_form") or GuidanceForm(),
        "open_form": forms.get("open_form")
        or OpenLoanForm(budgets=_budget_choices(venture), bank=venture.product.kind == LoanProduct.Kind.SUBSIDISED),
        "repay_form": forms.get("repay_form") or RepaymentForm(initial={"idempotency_key": new_idempotency_key()}),
        "write_off_form": forms.get("write_off_form") or WriteOffForm(),
        "claim_form": forms.get("claim_form") or ClaimForm(),
        "in_kind_form": forms.get("in_kind_form") or InKindForm(),
        "link_form": forms.get("link_form") or _link_form(request, venture),
        "bound": bool(forms),
    }
    return form_page(request, "ventures/detail.html", context)


def _link_form(request: AuthedRequest, venture: Venture, data: Any = None) -> EmployerLinkForm:
    employers = jobs_selectors.employer_list_for(request.user).filter(ventures__isnull=True)[:200]
    return EmployerLinkForm(data, employers=[(e.pk, e.name) for e in employers])


@role_page(Action.VIEW_VENTURES, Action.APPLY_VENTURE, listing=False)
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.venture_get_for(request.user, pk))


def _back(venture: Venture | int) -> HttpResponse:
    return redirect("ventures:detail", pk=getattr(venture, "pk", venture))


@role_page(Action.REVIEW_VENTURES, listing=False)
@require_POST
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    venture = selectors.venture_get_for(request.user, pk)
    form = ReviewForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        done = attempt(
            request,
            services.venture_review,
            form=form,
            venture=venture,
            by=request.user,
            approve=approve,
            note=form.cleaned_data["note"],
            expected_state=form.cleaned_data["expected_state"],
            success=_("Approved.") if approve else _("Refused."),
        )
        if done.ok:
            return _back(venture)
        # Shown again with what it is now: deciding once more decides the state on the page.
        venture.refresh_from_db()
        form.data = {**request.POST.dict(), "expected_state": venture.state}
    return _detail(request, venture, review_form=form)


@role_page(Action.REVIEW_VENTURES, listing=False)
@require_POST
def guidance(request: AuthedRequest, pk: int) -> HttpResponse:
    venture = selectors.venture_get_for(request.user, pk)
    form = GuidanceForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.guidance_record,
            form=form,
            venture=venture,
            by=request.user,
            success=_("The session is recorded."),
            **form.cleaned_data,
        )
        if done.ok:
            return _back(venture)
    return _detail(request, venture, guidance_form=form)


@role_page(Action.MANAGE_VENTURES, listing=False)
@require_POST
def loan_open(request: AuthedRequest, pk: int) -> HttpResponse:
    venture = selectors.venture_get_for(request.user, pk)
    bank = venture.product.kind == LoanProduct.Kind.SUBSIDISED
    form = OpenLoanForm(request.POST, budgets=_budget_choices(venture), bank=bank)
    if form.is_valid():
        values = form.cleaned_data
        budget = next((b for b in services.budgets_for(venture) if b.pk == values.get("budget")), None)
        done = attempt(
            request,
            services.loan_open,
            form=form,
            venture=venture,
            by=request.user,
            budget=budget,
            bank_name=values.get("bank_name") or "",
            disbursed_on=values.get("disbursed_on"),
            success=_("The loan is recorded.") if bank else _("The loan's payment is sent for approval."),
        )
        if done.ok:
            return _back(venture)
    return _detail(request, venture, open_form=form)


def _loan(request: AuthedRequest, pk: int) -> Loan:
    return selectors.loan_get_for(request.user, pk)


@role_page(Action.APPROVE_PAYMENT, listing=False)
@require_POST
def payment_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    if loan.payment_request is None:
        raise NotFound(_("Not found."))
    return _approve_then_back(request, loan.payment_request, loan.venture_id)


def _pay_then_back(
    request: AuthedRequest, service: Callable[..., Any], venture_id: int, success: str, **target: Any
) -> HttpResponse:
    """Post a payment with the idempotency key the page was rendered with (a double click pays once)."""
    form = PayForm(request.POST)
    if not form.is_valid():
        raise NotFound(_("Not found."))
    attempt(
        request,
        service,
        by=request.user,
        idempotency_key=form.cleaned_data["idempotency_key"],
        success=success,
        **target,
    )
    return _back(venture_id)


@role_page(Action.MANAGE_VENTURES, listing=False)
@require_POST
def disburse(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    paid_out = _("Paid out: %(amount)s.") % {"amount": format_yuan(loan.principal)}
    return _pay_then_back(request, services.loan_disburse, loan.venture_id, paid_out, loan=loan)


@role_page(Action.RECORD_RECEIPT, listing=False)
@require_POST
def repay(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        done = attempt(
            request,
            services.loan_repay,
            form=form,
            loan=loan,
            by=request.user,
            amount=values["amount"],
            paid_on=values["paid_on"],
            idempotency_key=values["idempotency_key"],
            success=_("Repayment recorded: %(amount)s.") % {"amount": format_yuan(values["amount"])},
        )
        if done.ok:
            return _back(loan.venture_id)
    return _detail(request, loan.venture, repay_form=form)


@role_page(Action.REVIEW_VENTURES, listing=False)
@require_POST
def write_off_request(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    form = WriteOffForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.write_off_request,
            form=form,
            loan=loan,
            by=request.user,
            reason=form.cleaned_data["reason"],
            success=_("The write-off is sent for approval."),
        )
        if done.ok:
            return _back(loan.venture_id)
    return _detail(request, loan.venture, write_off_form=form)


@role_page(Action.APPROVE_PAYMENT, listing=False)
@require_POST
def write_off_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    write_off = selectors.write_offs_for(request.user).filter(pk=pk).first()
    if write_off is None:
        raise NotFound(_("No such write-off."))
    approve = request.POST.get("decision") == "approve"
    attempt(
        request,
        services.write_off_decide,
        write_off=write_off,
        by=request.user,
        approve=approve,
        idempotency_key=str(request.POST.get("idempotency_key", "")),
        success=_("The write-off is approved and posted.") if approve else _("The write-off is rejected."),
    )
    if request.POST.get("next") == "list":
        return redirect("ventures:write_offs")
    return _back(write_off.loan.venture_id)


@role_page(Action.REVIEW_VENTURES, listing=False)
@require_POST
def claim_create(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    form = ClaimForm(request.POST)
    if form.is_valid():
        budgets = services.budgets_for(loan.venture)
        if not budgets:
            form.add_error(None, _("No entrepreneurship budget covers this venture."))
        else:
            done = attempt(
                request,
                services.subsidy_claim_create,
                form=form,
                loan=loan,
                by=request.user,
                budget=budgets[0],
                success=_("The claim is sent for approval."),
                **form.cleaned_data,
            )
            if done.ok:
                return _back(loan.venture_id)
    return _detail(request, loan.venture, claim_form=form)


def _approve_then_back(request: AuthedRequest, payment: PaymentRequest, venture_id: int) -> HttpResponse:
    attempt(
        request,
        funds_services.payment_request_approve,
        request=payment,
        by=request.user,
        success=_("The payment is approved."),
    )
    return _back(venture_id)


@role_page(Action.APPROVE_PAYMENT, Action.MANAGE_VENTURES, listing=False)
@require_POST
def claim_pay(request: AuthedRequest, pk: int) -> HttpResponse:
    claim = selectors.subsidy_claims_for(request.user).filter(pk=pk).first()
    if claim is None:
        raise NotFound(_("No such claim."))
    venture_id = claim.loan.venture_id
    if request.POST.get("decision") == "approve":
        return _approve_then_back(request, claim.payment_request, venture_id)
    refunded = _("Refunded: %(amount)s.") % {"amount": format_yuan(claim.refund)}
    return _pay_then_back(request, services.subsidy_claim_pay, venture_id, refunded, claim=claim)


@role_page(Action.MANAGE_VENTURES, listing=False)
@require_POST
def in_kind_create(request: AuthedRequest, pk: int) -> HttpResponse:
    venture = selectors.venture_get_for(request.user, pk)
    form = InKindForm(request.POST)
    if form.is_valid():
        budgets = services.budgets_for(venture)
        if not budgets:
            form.add_error(None, _("No entrepreneurship budget covers this venture."))
        else:
            done = attempt(
                request,
                services.in_kind_create,
                form=form,
                venture=venture,
                by=request.user,
                budget=budgets[0],
                supplier=form.cleaned_data["supplier"],
                items=[services.ItemInput(*row) for row in form.items()],
                success=_("The support in kind is sent for approval."),
            )
            if done.ok:
                return _back(venture)
    return _detail(request, venture, in_kind_form=form)


@role_page(Action.APPROVE_PAYMENT, Action.MANAGE_VENTURES, listing=False)
@require_POST
def in_kind_pay(request: AuthedRequest, pk: int) -> HttpResponse:
    support = selectors.in_kind_for(request.user).filter(pk=pk).first()
    if support is None:
        raise NotFound(_("No such support."))
    if request.POST.get("decision") == "approve":
        return _approve_then_back(request, support.payment_request, support.venture_id)
    paid = _("Paid: %(amount)s.") % {"amount": format_yuan(support.value)}
    return _pay_then_back(request, services.in_kind_pay, support.venture_id, paid, support=support)


@role_page(Action.REVIEW_VENTURES, listing=False)
@require_POST
def employer_link(request: AuthedRequest, pk: int) -> HttpResponse:
    venture = selectors.venture_get_for(request.user, pk)
    form = _link_form(request, venture, request.POST)
    if form.is_valid():
        employer = jobs_selectors.employer_get_for(request.user, form.cleaned_data["employer"])
        done = attempt(
            request,
            services.venture_link_employer,
            form=form,
            venture=venture,
            by=request.user,
            employer=employer,
            success=_("Its hires now count as jobs created."),
        )
        if done.ok:
            return _back(venture)
    return _detail(request, venture, link_form=form)


# --- lists for helpers, organizers and auditors ----------------------------------------------------


@role_page(Action.REVIEW_VENTURES)
def queue(request: AuthedRequest) -> HttpResponse:
    rows = selectors.review_queue_for(request.user)
    return render(
        request,
        "ventures/queue.html",
        {
            "mine": [r for r in rows if r.may_decide],
            "others": [r for r in rows if not r.may_decide],
            "alerts": selectors.my_alerts(request.user).count(),
            "write_offs": selectors.write_offs_for(request.user).filter(state=WriteOff.State.REQUESTED).count(),
            "awaiting": selectors.loan_list_for(request.user).filter(state=Loan.State.AWAITING_PAYMENT).count(),
        },
    )


@role_page(*STAFF)
def venture_list(request: AuthedRequest) -> HttpResponse:
    ventures = selectors.venture_list_for(request.user).select_related("loan")
    state = str(request.GET.get("state", ""))
    if state in Venture.State.values:
        ventures = ventures.filter(state=state)
    loan_state = str(request.GET.get("loan", ""))
    if loan_state in Loan.State.values:
        ventures = ventures.filter(loan__state=loan_state)
    page = Paginator(ventures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ventures/list.html",
        {
            "page": page,
            "states": Venture.State.choices,
            "loan_states": Loan.State.choices,
            "state": state,
            "loan_state": loan_state,
            "may_apply": visibility.may(request.user, Action.REVIEW_VENTURES),
        },
    )


@role_page(*STAFF)
def portfolio(request: AuthedRequest) -> HttpResponse:
    kind = str(request.GET.get("kind", ""))
    return render(
        request,
        "ventures/portfolio.html",
        {
            "report": selectors.portfolio_for(request.user, kind=kind),
            "kinds": LoanProduct.Kind.choices,
            "kind": kind,
            "may_funds": visibility.may(request.user, Action.VIEW_FUNDS),
        },
    )


@role_page(*STAFF)
def overdue(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.overdue_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ventures/overdue.html", {"page": page})


@role_page(*STAFF)
def write_offs(request: AuthedRequest) -> HttpResponse:
    rows = selectors.write_offs_for(request.user).order_by("state", "-requested_at")[:200]
    return render(
        request,
        "ventures/write_offs.html",
        {
            "rows": [(w, new_idempotency_key()) for w in rows],
            "may_decide": visibility.may(request.user, Action.APPROVE_PAYMENT),
        },
    )
