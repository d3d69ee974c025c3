"""Pages of social insurance: the members of working age without pension insurance, the employers
with open arrears, a member's insurance statuses, opening an arrears case, recording its 补缴."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from funds.forms import YuanField
from households import picker
from households.models import Household
from relief import case_selectors
from relief.insurance import selectors, services
from relief.insurance.forms import ArrearsForm, SettleForm, StatusForm
from relief.insurance.models import InsuranceKind

LIST_MAX = 300
PAGE_SIZE = 10  # rows a page, as the other relief lists: within 8 phone screens (issue 19)


@role_page(Action.VIEW_RELIEF)
def uninsured(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.without_pension_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "relief_insurance/uninsured.html",
        {"rows": page.object_list, "page": page, "count": page.paginator.count},
    )


@role_page(Action.VIEW_RELIEF)
def employers(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "relief_insurance/employers.html",
        {
            "rows": selectors.employers_in_arrears_for(request.user),
            "arrears": list(selectors.open_arrears_for(request.user)[:LIST_MAX]),
            "may_open": visibility.may(request.user, Action.REVIEW_RELIEF),
        },
    )


@role_page(Action.VIEW_RELIEF, listing=False)
def member_status(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.member_get_for(request.user, pk)
    form = StatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        done = attempt(
            request,
            services.status_set,
            form=form,
            member=member,
            by=request.user,
            kind=values["kind"],
            insured=values["insured"],
            since=values.get("since"),
            flexible=values["flexible"],
            success=_("The insurance status is recorded."),
        )
        if done.ok:
            return redirect("relief:insurance:member", pk=member.pk)
    statuses = {s.kind: s for s in selectors.statuses_of(member)}
    rows = [(label, statuses.get(code)) for code, label in InsuranceKind.choices]
    return form_page(request, "relief_insurance/member.html", {"member": member, "rows": rows, "form": form})


@role_page(Action.REVIEW_RELIEF)
def arrears_open(request: AuthedRequest) -> HttpResponse:
    user = request.user
    # Anyone in reach, found with the people picker (no capped list); ?member= comes ticked.
    members = picker.members_in_reach(user).filter(household__state=Household.State.ACTIVE)
    post = request.method == "POST"
    found = picker.form_context(user, request.POST if post else request.GET, base=members, fragment_url=request.path)
    if (results := picker.results_only(request, found)) is not None:
        return results
    initial: dict[str, Any] = {"member": found["chosen"][0].member.pk} if found["chosen"] else {}
    if post and "search" in request.POST:  # the picker's search without JS: open nothing
        kept = ("employer", "kind", "months", "amount", "next_action", "next_action_due")
        initial.update({k: request.POST[k] for k in kept if request.POST.get(k)})
        post = False
    form = ArrearsForm(
        request.POST if post else None,
        members=members,
        employers=[(e.pk, e.name) for e in case_selectors.counterpart_employers(user)[:LIST_MAX]],
        initial=initial,
    )
    if post and form.is_valid():
        values = form.cleaned_data
        member = values["member"]
        employer = case_selectors.counterpart_employers(user).filter(pk=values["employer"]).first()
        if employer is None:
            raise Http404(_("No such employer."))
        done = attempt(
            request,
            services.arrears_open,
            form=form,
            member=member,
            by=user,
            employer=employer,
            kind=values["kind"],
            months=values["months"],
            amount=YuanField().fen(values["amount"]),
            next_action=values.get("next_action") or "",
            next_action_due=values.get("next_action_due"),
            success=_("The arrears case is opened."),
        )
        if done.ok:
            return redirect("relief:case", pk=done.value.case_id)
    return form_page(
        request, "relief_insurance/form.html", {"form": form, "title": _("Insurance arrears"), "picker": found}
    )


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def arrears_settle(request: AuthedRequest, pk: int) -> HttpResponse:
    arrears = selectors.arrears_get_for(request.user, pk)
    form = SettleForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        attempt(
            request,
            services.arrears_settle,
            arrears=arrears,
            by=request.user,
            agreed_amount=YuanField().fen(values["agreed_amount"]),
            agreed_on=values.get("agreed_on"),
            paid_amount=YuanField().fen(values["paid_amount"]) if values.get("paid_amount") else 0,
            paid_on=values.get("paid_on"),
            success=_("The 补缴 is recorded."),
        )
    else:
        from django.contrib import messages

        messages.error(request, _("Give the 补缴 agreed."))
    return redirect("relief:case", pk=arrears.case_id)
