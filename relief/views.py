"""Pages of the relief tracks, the same for every track: the tracks, one track (its rule, its
worklist, its applications), applying (the worker on a phone, or staff with consent), one
application (decisions, payment approval, payment, giving), the review queue, the payments
waiting, and the worker's own page. Track modules add their own pages (a campaign, a referral's
outcome, a member's cover) under /relief/<track>/.

As elsewhere: each view authorises and fetches through a selector, then calls one service;
``attempt`` translates a service's ``DomainError`` once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.models import Role
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core.errors import NotFound
from funds.forms import PayForm, new_idempotency_key
from funds.models import PaymentRequest
from households import picker
from households import selectors as household_selectors
from households.models import Household
from households.received import format_fen, received_for, total_amount
from relief import selectors, services
from relief.forms import ApplyForm, BatchForm, GiveForm, ReviewForm
from relief.models import Application
from relief.registry import Track, tracks

# Rows a page: within eight phone screens (issue 19).
PAGE_SIZE = 10
STAFF = (Action.VIEW_RELIEF,)
ANYONE = (Action.VIEW_RELIEF, Action.APPLY_RELIEF)


def _track(code: str) -> Track:
    entry = tracks.get(code)
    if entry is None:
        raise Http404(_("No such relief track."))
    return entry


@role_page(*ANYONE)
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    staff = visibility.may(user, Action.VIEW_RELIEF)
    if not staff:
        return redirect("relief:mine")
    counts: dict[str, dict[str, Any]] = {
        row["track"]: dict(row)
        for row in selectors.application_list_for(user)
        .order_by()
        .values("track")
        .annotate(
            **{state: _count(state) for state in ("helper_review", "organizer_review", "upper_review", "approved")}
        )
    }
    rows = [(t, counts.get(t.code, {})) for t in tracks]
    return render(
        request,
        "relief/index.html",
        {
            "rows": rows,
            "queue": len(selectors.review_queue_for(user)),
            "waiting": selectors.payments_waiting_for(user).count(),
        },
    )


def _count(state: str) -> Any:
    from django.db.models import Count, Q

    return Count("id", filter=Q(state=state))


@role_page(*STAFF)
def track_page(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    entry = _track(code)
    state = request.GET.get("state", "")
    applications = selectors.application_list_for(user, track=entry.code, state=state)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    worklist = selectors.worklist_for(user, entry)
    return render(
        request,
        "relief/track.html",
        {
            "track": entry,
            "page": page,
            "state": state,
            "states": Application.State.choices,
            "worklist": worklist[:100] if entry.worklist else [],
            "worklist_count": worklist.count() if entry.worklist else 0,
            "may_apply": visibility.may(user, Action.REVIEW_RELIEF),
        },
    )


# --- applying ---------------------------------------------------------------------------------------


def _member_choices(request: AuthedRequest) -> list[tuple[int, str]]:
    """The worker's own household: whom a worker may apply for."""
    me = household_selectors.my_member(request.user)
    if me is None:
        raise NotFound(_("Your login is not linked to a member of the archive."))
    return [(m.pk, f"{m.name} · {m.get_relation_display()}") for m in me.household.members.filter(is_current=True)]


@role_page(Action.APPLY_RELIEF, Action.REVIEW_RELIEF)
def apply(request: AuthedRequest, code: str) -> HttpResponse:
    """The worker applies for a member of their household (金秋助学 for a child); staff for a member
    in reach, recording how the worker consented."""
    user = request.user
    entry = _track(code)
    staff = user.role != Role.WORKER
    if not staff and entry.extra.get("staff_only"):
        raise Http404(_("No such relief track."))
    post = request.method == "POST"
    context: dict[str, Any] = {}
    if staff:
        # Staff find the person with the people picker (anyone in reach); ?member= comes ticked.
        in_reach = picker.members_in_reach(user).filter(household__state=Household.State.ACTIVE)
        context["picker"] = picker.form_context(
            user, request.POST if post else request.GET, base=in_reach, fragment_url=request.path
        )
        if (results := picker.results_only(request, context["picker"])) is not None:
            return results
        chosen = context["picker"]["chosen"]
        form_initial = {"member": chosen[0].member.pk} if chosen and not post else {}
        searching = post and "search" in request.POST  # the picker's search without JS: apply nothing
        if searching:
            form_initial = {"consent_note": request.POST.get("consent_note", "")}
            post = False
        form = ApplyForm(request.POST if post else None, staff=True, in_reach=in_reach, initial=form_initial)
    else:
        choices = _member_choices(request)
        form = ApplyForm(
            request.POST if post else None, members=choices, staff=False, initial=_initial_member(request, choices)
        )
        searching = False
    member_id = form.initial.get("member")
    initial = {}
    renew = entry.extra.get("initial")
    if not post and member_id and callable(renew):
        try:
            initial = renew(_member_for(request, member_id, staff))
        except NotFound:
            initial = {}
    if searching:
        initial = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "member", "q", "search")}
    details = entry.form()(request.POST if post else None, request.FILES if post else None, initial=initial)
    if post and form.is_valid():
        member = form.cleaned_data["member"] if staff else _member_for(request, form.cleaned_data["member"], staff)
        details.is_valid()  # shows the track's own field errors; the service checks them again
        target: Any = details if details.errors else form
        done = attempt(
            request,
            services.application_create,
            form=target,
            by=user,
            track=entry,
            member=member,
            data=request.POST,
            files=request.FILES,
            consent_note=form.cleaned_data.get("consent_note", ""),
            success=_("The application is sent to the helper."),
        )
        if done.ok:
            return redirect("relief:application", pk=done.value.pk)
        _move_errors(form, details)
    return form_page(
        request, "relief/apply.html", {"track": entry, "form": form, "details": details, "staff": staff, **context}
    )


def _member_for(request: AuthedRequest, pk: Any, staff: bool) -> Any:
    """A member in the staff's reach, or of the worker's own household."""
    if staff:
        return household_selectors.member_get_for(request.user, pk)
    me = household_selectors.my_member(request.user)
    member = me.household.members.filter(pk=pk, is_current=True).first() if me is not None else None
    if member is None:
        raise NotFound(_("No such member."))
    return member


def _initial_member(request: AuthedRequest, choices: list[tuple[int, str]]) -> dict[str, Any]:
    wanted = request.GET.get("member", "")
    if wanted.isdigit() and any(pk == int(wanted) for pk, _label in choices):
        return {"member": int(wanted)}
    return {}


def _move_errors(form: Any, details: Any) -> None:
    """A service error naming a track field shows on the track's form, not the member's."""
    for name in list(form.errors):
        if name in details.fields and name not in form.fields:
            details.add_error(name, form.errors.pop(name))


# --- one application --------------------------------------------------------------------------------


def _detail(request: AuthedRequest, application: Application, **forms: Any) -> HttpResponse:
    user = request.user
    unit = application.org_unit
    entry = application.track_entry
    reason = services.may_review(user, application) if application.in_review else ""
    requests = [r for r in (application.cash_request, application.goods_request) if r is not None]
    staff = visibility.may(user, Action.VIEW_RELIEF)
    benefit = getattr(application, "benefit", None) if application.state == Application.State.GIVEN else None
    context = {
        "application": application,
        "track": entry,
        "decisions": list(application.decisions.all()),
        "items": services.items_of(application),
        "requests": requests,
        "benefit": benefit,
        "staff": staff,
        "may_decide": application.in_review and not reason and visibility.may(user, Action.REVIEW_RELIEF, unit),
        "review_reason": reason,
        "may_approve_payment": application.state == Application.State.APPROVED
        and any(r.state == PaymentRequest.State.REQUESTED and r.requested_by_id != user.pk for r in requests)
        and visibility.may(user, Action.APPROVE_PAYMENT, unit),
        "own_request": any(
            r.state == PaymentRequest.State.REQUESTED and r.requested_by_id == user.pk for r in requests
        ),
        "may_pay": application.state == Application.State.APPROVED
        and bool(requests)
        and all(r.state in (PaymentRequest.State.APPROVED, PaymentRequest.State.PAID) for r in requests)
        and visibility.may(user, Action.PAY_OUT, unit),
        "may_retry": application.state == Application.State.APPROVED
        and any(r.state == PaymentRequest.State.REJECTED for r in requests)
        and visibility.may(user, Action.REQUEST_PAYMENT, unit),
        "may_give": application.state == Application.State.APPROVED
        and not application.moves_money
        and visibility.may(user, Action.REVIEW_RELIEF, unit)
        and not (entry is not None and entry.extra.get("given_elsewhere")),
        "may_withdraw": application.in_review
        and (application.created_by_id == user.pk or application.household.members.filter(user=user).exists()),
        "review_form": forms.get("review_form") or ReviewForm(initial={"expected_state": application.state}),
        "give_form": forms.get("give_form") or GiveForm(initial={"on": timezone.localdate()}),
        "pay_key": new_idempotency_key(),
        "panel": entry.extra.get("panel", "") if entry is not None else "",
    }
    return form_page(request, "relief/application.html", context)


@role_page(*ANYONE, listing=False)
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.application_get_for(request.user, pk))


def _back(application: Application | int) -> HttpResponse:
    return redirect("relief:application", pk=getattr(application, "pk", application))


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(request.user, pk)
    form = ReviewForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        done = attempt(
            request,
            services.application_review,
            form=form,
            application=application,
            by=request.user,
            approve=approve,
            note=form.cleaned_data["note"],
            expected_state=form.cleaned_data["expected_state"],
            success=_("Approved.") if approve else _("Refused."),
        )
        if done.ok:
            return _back(application)
        application = selectors.application_get_for(request.user, pk)
        form.data = {**request.POST.dict(), "expected_state": application.state}
    return _detail(request, application, review_form=form)


@role_page(Action.APPROVE_PAYMENT, listing=False)
@require_POST
def payment_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(request.user, pk)
    attempt(
        request,
        services.application_payment_approve,
        application=application,
        by=request.user,
        success=_("The payment is approved."),
    )
    return _back(application)


@role_page(Action.REQUEST_PAYMENT, listing=False)
@require_POST
def payment_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(request.user, pk)
    attempt(
        request,
        services.application_payment_retry,
        application=application,
        by=request.user,
        success=_("The payment is asked for again."),
    )
    return _back(application)


@role_page(Action.PAY_OUT, listing=False)
@require_POST
def pay(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(request.user, pk)
    form = PayForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.application_pay,
            application=application,
            by=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
            success=_("Paid. The benefit is recorded."),
        )
    else:
        messages.error(request, _("The page was out of date; try again."))
    return _back(application)


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def give(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(request.user, pk)
    form = GiveForm(request.POST)
    if form.is_valid():
        done = attempt(
            request,
            services.application_give,
            form=form,
            application=application,
            by=request.user,
            on=form.cleaned_data["on"],
            summary=form.cleaned_data["summary"],
            success=_("Recorded as received."),
        )
        if done.ok:
            return _back(application)
    return _detail(request, application, give_form=form)


@role_page(*ANYONE, listing=False)
@require_POST
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(request.user, pk)
    attempt(request, services.application_withdraw, application=application, by=request.user, success=_("Withdrawn."))
    return _back(application)


# --- lists ------------------------------------------------------------------------------------------


@role_page(Action.REVIEW_RELIEF)
def queue(request: AuthedRequest) -> HttpResponse:
    user = request.user
    rows = selectors.review_queue_for(user)
    form = BatchForm(request.POST or None, choices=[(a.pk, str(a)) for a in rows])
    if request.method == "POST" and form.is_valid():
        chosen = [a for a in rows if a.pk in set(form.cleaned_data["applications"])]
        approve = request.POST.get("decision") == "approve"
        outcomes = services.applications_review_batch(
            applications=chosen, by=user, approve=approve, note=form.cleaned_data["note"]
        )
        done = sum(1 for o in outcomes if o.ok)
        if done:
            messages.success(request, _("%(n)s decided.") % {"n": done})
        for outcome in outcomes:
            if not outcome.ok:
                messages.error(request, f"{outcome.application.member.name}: {outcome.message}")
        return redirect("relief:queue")
    return render(request, "relief/queue.html", {"rows": rows, "form": form})


@role_page(*STAFF)
def payments(request: AuthedRequest) -> HttpResponse:
    rows = list(selectors.payments_waiting_for(request.user)[:300])
    return render(request, "relief/payments.html", {"rows": rows})


@role_page(Action.APPLY_RELIEF)
def mine(request: AuthedRequest) -> HttpResponse:
    user = request.user
    member = household_selectors.my_member(user)
    received = received_for([member.household_id]) if member is not None else []
    return render(
        request,
        "relief/mine.html",
        {
            "applications": selectors.my_applications(user),
            "tracks": [t for t in tracks if t.kind == "benefit" and not t.extra.get("staff_only")],
            "received": received,
            "received_total_display": format_fen(total_amount(received)),
            "member": member,
        },
    )
