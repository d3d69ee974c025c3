"""送温暖's own pages: the campaigns, one campaign (its money, the need ranking with how far the
budget reaches, listing the top of the ranking, its list with the review and payment state, the
distribution sign-off), and making a campaign."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import visibility
from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from core.errors import DomainError, InvalidInput
from funds import selectors as funds_selectors
from funds.money import format_yuan
from relief.registry import Item
from relief.warmth import ranking, selectors, services
from relief.warmth.forms import CampaignForm, SignOffForm
from relief.warmth.models import Delivery
from relief.warmth.ranking import RULE_POINTS

SHOWN = 300
BELOW_THE_LINE = 10


@role_page(Action.VIEW_RELIEF)
def campaigns(request: AuthedRequest) -> HttpResponse:
    rows = [
        (c, selectors.standing_for(request.user, c, rank=False)) for c in selectors.campaign_list_for(request.user)[:50]
    ]
    return render(
        request,
        "relief_warmth/campaigns.html",
        {"rows": rows, "may_create": visibility.may(request.user, Action.MANAGE_RELIEF)},
    )


def _budgets(request: AuthedRequest) -> list[tuple[int, str]]:
    budgets = funds_selectors.budgets_to_draw_on(request.user).filter(purpose__code="warmth").order_by("-year")
    return [(b.pk, f"{b.source.name} · {b.org_unit.name} · {b.year} · {format_yuan(b.amount)}") for b in budgets]


def _goods(text: str) -> list[Item]:
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) != 3 or not parts[1].isdigit():
            raise InvalidInput(_("Write each item as: name, quantity, value each in yuan."), field="goods")
        from funds.money import to_fen

        items.append(Item(parts[0], int(parts[1]), to_fen(parts[2], field="goods")))
    return items


@role_page(Action.MANAGE_RELIEF)
def campaign_create(request: AuthedRequest) -> HttpResponse:
    budgets = _budgets(request)
    form = CampaignForm(request.POST or None, budgets=budgets)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        budget = funds_selectors.budgets_to_draw_on(request.user).filter(pk=values["budget"]).first()
        try:
            goods = _goods(values["goods"])
        except DomainError as exc:
            form.add_error("goods", exc.message)
            goods = None
        if budget is None:
            form.add_error("budget", _("Choose a 送温暖 budget."))
        elif goods is not None:
            field = form.fields["limit"]
            done = attempt(
                request,
                services.campaign_create,
                form=form,
                by=request.user,
                data=services.CampaignInput(
                    name=values["name"],
                    occasion=values["occasion"],
                    budget=budget,
                    limit=field.fen(values["limit"]),  # type: ignore[attr-defined]
                    cash_per_household=field.fen(values["cash_per_household"] or 0),  # type: ignore[attr-defined]
                    goods=goods,
                    opens_on=values["opens_on"],
                    closes_on=values["closes_on"],
                ),
                success=_("The campaign is made. List the neediest households from its ranking."),
            )
            if done.ok:
                return redirect("relief:warmth:campaign", pk=done.value.pk)
    return form_page(request, "relief_warmth/campaign_form.html", {"form": form})


@role_page(Action.VIEW_RELIEF, listing=False)
def campaign(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    found = selectors.campaign_get_for(user, pk)
    standing = selectors.standing_for(user, found)
    # On a phone every row is a card: show the households the budget reaches and a few below the
    # line, unless the whole ranking is asked for.
    limit = SHOWN if request.GET.get("all") else min(SHOWN, max(standing.reach, 0) + BELOW_THE_LINE)
    shown = standing.candidates[:limit]
    ranking.name_heads(shown)
    deliveries = list(selectors.deliveries_for(found))
    today = timezone.localdate()
    return render(
        request,
        "relief_warmth/campaign.html",
        {
            "campaign": found,
            "standing": standing,
            "candidates": shown,
            "more": len(standing.candidates) > len(shown),
            "deliveries": deliveries,
            "rule_points": RULE_POINTS,
            "open": found.opens_on <= today <= found.closes_on,
            "may_list": visibility.may(user, Action.REVIEW_RELIEF, found.org_unit)
            or visibility.may(user, Action.REVIEW_RELIEF),
            "sign_off_form": SignOffForm(initial={"received_on": today}),
        },
    )


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def campaign_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """List the households ticked on the ranking (or the top N the budget reaches)."""
    user = request.user
    found = selectors.campaign_get_for(user, pk)
    standing = selectors.standing_for(user, found)
    scores = standing.candidates.scores()
    if request.POST.get("top"):
        chosen = standing.candidates.reached_ids()
    else:
        chosen = [int(v) for v in request.POST.getlist("households") if v.isdigit() and int(v) in scores]
    if not chosen:
        messages.error(request, _("Choose the households to list."))
        return redirect("relief:warmth:campaign", pk=found.pk)
    try:
        outcomes = services.campaign_list_households(campaign=found, by=user, household_ids=chosen, scores=scores)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("relief:warmth:campaign", pk=found.pk)
    listed = sum(1 for o in outcomes if o.application is not None)
    messages.success(request, _("%(n)s households listed; their helpers review them next.") % {"n": listed})
    for outcome in outcomes:
        if outcome.application is None:
            messages.error(request, outcome.message)
    return redirect("relief:warmth:campaign", pk=found.pk)


@role_page(Action.REVIEW_RELIEF, listing=False)
@require_POST
def sign_off(request: AuthedRequest, pk: int) -> HttpResponse:
    delivery = Delivery.objects.select_related("campaign").filter(pk=pk).first()
    found = selectors.campaign_get_for(request.user, delivery.campaign_id if delivery else 0)
    form = SignOffForm(request.POST)
    if delivery is not None and form.is_valid():
        attempt(
            request,
            services.delivery_sign_off,
            delivery=delivery,
            by=request.user,
            success=_("Signed off."),
            **form.cleaned_data,
        )
    elif delivery is not None:
        messages.error(request, _("Name who received it and the day."))
    return redirect("relief:warmth:campaign", pk=found.pk)
