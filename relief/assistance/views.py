"""Social assistance's own pages: the referrals waiting for the civil-affairs office, and recording
its answer."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.pages import AuthedRequest, attempt, role_page
from accounts.visibility import Action
from funds.forms import YuanField
from relief.assistance import selectors, services
from relief.assistance.forms import OutcomeForm


@role_page(Action.VIEW_RELIEF)
def referrals(request: AuthedRequest) -> HttpResponse:
    pending = request.GET.get("all") != "1"
    rows = list(selectors.referral_list_for(request.user, pending_only=pending)[:300])
    return render(
        request,
        "relief_assistance/referrals.html",
        {"rows": rows, "pending": pending, "form": OutcomeForm(initial={"outcome_on": timezone.localdate()})},
    )


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_for(request.user, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        monthly = YuanField().fen(values["monthly_amount"]) if values.get("monthly_amount") else None
        attempt(
            request,
            services.referral_record_outcome,
            referral=referral,
            by=request.user,
            outcome=values["outcome"],
            on=values["outcome_on"],
            note=values["note"],
            monthly_amount=monthly,
            success=_("The office's answer is recorded."),
        )
    else:
        messages.error(request, _("Choose the outcome, its day and what the office decided."))
    return redirect("relief:application", pk=referral.application_id)
