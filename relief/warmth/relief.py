"""送温暖 on the relief registry: a campaign's gift (cash and/or goods) for a household, within the
yearly cap per household across campaigns and within the campaign's budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict, InvalidInput
from funds.models import Budget
from funds.money import format_yuan
from households.models import Member, Track
from relief import rules
from relief.models import Application
from relief.registry import Caps, Eligibility, Item, Pays, Prepared, register
from relief.registry import Track as ReliefTrack
from relief.warmth.forms import WarmthForm
from relief.warmth.models import Campaign, Delivery

CODE = "warmth"
# Most a household receives from 送温暖 in a calendar year, across campaigns (fen).
YEARLY_CAP = 200_000


def eligibility(member: Member, on: dt.date) -> Eligibility:
    ok, why = rules.in_archive(member)
    if not ok:
        return Eligibility.no(why)
    return Eligibility.yes(_("The household is in the archive."))


def prepare(member: Member, data: dict[str, Any], on: dt.date) -> Prepared:
    campaign: Campaign = data["campaign"]
    household = member.household
    if not campaign.org_unit.contains(household.org_unit):
        raise InvalidInput(
            _("%(campaign)s does not cover this household's unit.") % {"campaign": campaign}, field="campaign"
        )
    if not campaign.opens_on <= on <= campaign.closes_on:
        raise InvalidInput(
            _("%(campaign)s runs from %(start)s to %(end)s.")
            % {"campaign": campaign, "start": campaign.opens_on.isoformat(), "end": campaign.closes_on.isoformat()},
            field="campaign",
        )
    if Delivery.objects.filter(campaign=campaign, household=household, released=False).exists():
        raise Conflict(_("This household is on the campaign's list already."), field="campaign", code="listed_already")
    items = [Item(str(g["name"]), int(g["quantity"]), int(g["unit_value"])) for g in campaign.goods or []]
    return Prepared(
        amount=campaign.cash_per_household,
        items=items,
        period=str(on.year),
        summary=_("%(campaign)s: %(gift)s") % {"campaign": campaign.name, "gift": campaign.describe_gift()},
        details={"campaign": campaign.pk, "score": int(data.get("score") or 0)},
    )


def on_created(application: Application, data: dict[str, Any]) -> None:
    Delivery.objects.create(
        application=application,
        campaign=data["campaign"],
        household=application.household,
        score=int(data.get("score") or 0),
    )


def committed(campaign: Campaign) -> int:
    """What the campaign has given or promised: applications approved or given."""
    totals = Application.objects.filter(
        warmth_delivery__campaign=campaign,
        state__in=[Application.State.APPROVED, Application.State.GIVEN],
    ).aggregate(cash=Sum("amount"), goods=Sum("goods_value"))
    return int(totals["cash"] or 0) + int(totals["goods"] or 0)


def on_approved(application: Application) -> None:
    """The campaign's budget under a lock on the campaign: approvals at the same instant queue here,
    and each sees what the others committed (this one is already counted as approved)."""
    delivery = Delivery.objects.get(application=application)
    campaign = Campaign.objects.select_for_update().get(pk=delivery.campaign_id)
    spent = committed(campaign)
    if spent > campaign.limit:
        raise Conflict(
            _("The budget of %(campaign)s (%(limit)s) is committed: %(spent)s with this household.")
            % {"campaign": campaign.name, "limit": format_yuan(campaign.limit), "spent": format_yuan(spent)},
            code="campaign_budget_spent",
        )


def on_refused(application: Application) -> None:
    Delivery.objects.filter(application=application).update(released=True)


def budget_for(application: Application) -> Budget:
    return Delivery.objects.select_related("campaign__budget").get(application=application).campaign.budget


TRACK = register(
    ReliefTrack(
        code=CODE,
        name_zh="送温暖",
        name_en="Send warmth",
        eligibility=eligibility,
        prepare=prepare,
        pays=Pays.CASH_OR_GOODS,
        purpose="warmth",
        goal_track=Track.WARMTH,
        caps=Caps(per_household=YEARLY_CAP),
        review_threshold=None,  # a campaign's gift is small: the unit's organizer decides
        form=lambda: WarmthForm,
        on_created=on_created,
        on_approved=on_approved,
        on_refused=on_refused,
        budget_for=budget_for,
        rule_text=gettext_lazy(
            "把有限的资金用于最困难的职工: each campaign ranks the households in its reach by need (income per head "
            "against the 低保 line, 低保, illness, disability, disaster, dependants, single parents, elderly care), "
            "and its budget reaches down the list as far as it goes. A household receives at most ¥2,000 a year "
            "from 送温暖 across campaigns."
        ),
        order=10,
        extra={
            "urls": "relief.warmth.urls",
            "api": "relief.warmth.api",
            "home": "relief:warmth:campaigns",
            "home_label": gettext_lazy("Campaigns"),
            "panel": "relief_warmth/_panel.html",
            # 送温暖 is given, not asked for: households are listed by staff from the need ranking.
            "staff_only": True,
        },
    )
)
