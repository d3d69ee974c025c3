"""送温暖's own writes: campaigns, listing ranked households, the distribution sign-off. The
applications themselves go through ``relief.services`` like every track's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from funds import services as funds_services
from funds.models import Budget
from households.models import Member
from relief import services as relief_services
from relief.models import Application
from relief.registry import Item
from relief.warmth.models import Campaign, Delivery
from relief.warmth.relief import CODE

LIST_CONSENT = "送温暖名单 (由工会按困难程度排序主动帮扶)"
MAX_LIST = 500


@dataclass
class CampaignInput:
    name: str
    occasion: str
    budget: Budget
    limit: int
    opens_on: dt.date
    closes_on: dt.date
    cash_per_household: int = 0
    goods: list[Item] | None = None


def _require(by: User, action: Action, unit: object = None) -> None:
    if not visibility.may(by, action):
        raise Forbidden(_("Your role does not allow this."))
    if unit is not None and not visibility.may(by, action, unit):  # type: ignore[arg-type]
        raise NotFound(_("No such campaign."))


@transaction.atomic
def campaign_create(*, by: User, data: CampaignInput) -> Campaign:
    unit = by.org_unit if by.org_unit is not None else data.budget.org_unit
    _require(by, Action.MANAGE_RELIEF, unit)
    name = data.name.strip()
    if not name:
        raise InvalidInput(_("Name the campaign."), field="name")
    if data.occasion not in Campaign.Occasion.values:
        raise InvalidInput(_("Choose the occasion."), field="occasion")
    if data.budget.purpose.code != "warmth":
        raise InvalidInput(_("Choose a 送温暖 budget."), field="budget")
    if not (data.budget.org_unit.contains(unit) or unit.contains(data.budget.org_unit)):
        raise InvalidInput(_("This budget does not cover your unit."), field="budget")
    funds_services.check_amount(data.limit, "limit")
    items = relief_services.check_items(list(data.goods or []))
    if data.cash_per_household < 0:
        raise InvalidInput(_("The cash cannot be negative."), field="cash_per_household")
    gift = data.cash_per_household + sum(i.value for i in items)
    if gift <= 0:
        raise InvalidInput(_("Give cash, goods or both per household."), field="cash_per_household")
    if gift > data.limit:
        raise InvalidInput(_("One household's gift is more than the campaign's budget."), field="limit")
    if data.closes_on < data.opens_on:
        raise InvalidInput(_("The campaign closes after it opens."), field="closes_on")
    if data.opens_on.year != data.budget.year:
        raise InvalidInput(
            _("The campaign opens in its budget's year (%(year)s).") % {"year": data.budget.year}, field="opens_on"
        )
    if Campaign.objects.filter(org_unit=unit, name=name).exists():
        raise Conflict(_("Your unit has a campaign of that name."), field="name")
    return Campaign.objects.create(
        name=name[:100],
        occasion=data.occasion,
        org_unit=unit,
        budget=data.budget,
        limit=data.limit,
        cash_per_household=data.cash_per_household,
        goods=[{"name": i.name.strip()[:100], "quantity": i.quantity, "unit_value": i.unit_value} for i in items],
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        created_by=by,
    )


@dataclass
class ListOutcome:
    household_id: int
    application: Application | None
    message: str = ""


def campaign_list_households(
    *, campaign: Campaign, by: User, household_ids: list[int], scores: dict[int, int] | None = None
) -> list[ListOutcome]:
    """Put ranked households on the campaign's list: an application for each head, made by ``by``
    on the union's own initiative (送温暖 is given, not asked for: the list is the consent record).
    Each household in its own transaction: one refused (over the yearly cap) does not stop the rest."""
    _require(by, Action.REVIEW_RELIEF, campaign.org_unit)
    if len(household_ids) > MAX_LIST:
        raise InvalidInput(_("List at most %(n)s households at a time.") % {"n": MAX_LIST}, field="households")
    heads = {
        m.household_id: m
        for m in Member.objects.filter(
            household_id__in=household_ids, relation=Member.Relation.HEAD, is_current=True
        ).select_related("household__org_unit")
    }
    outcomes = []
    for household_id in household_ids:
        head = heads.get(household_id)
        if head is None or not visibility.may(by, Action.REVIEW_RELIEF, head.household.org_unit):
            outcomes.append(ListOutcome(household_id, None, _("No such household, or it has no head.")))
            continue
        try:
            application = relief_services.application_create(
                by=by,
                track=CODE,
                member=head,
                data={"campaign": campaign.pk, "score": (scores or {}).get(household_id, 0)},
                consent_note=LIST_CONSENT,
            )
            outcomes.append(ListOutcome(household_id, application))
        except DomainError as exc:
            outcomes.append(ListOutcome(household_id, None, exc.message))
    return outcomes


@transaction.atomic
def delivery_sign_off(*, delivery: Delivery, by: User, received_by_name: str, received_on: dt.date) -> Delivery:
    """Who received the gift, when, handed over by whom: after it is paid (or the goods bought)."""
    delivery = Delivery.objects.select_for_update().select_related("application", "household").get(pk=delivery.pk)
    _require(by, Action.REVIEW_RELIEF, delivery.household.org_unit)
    if delivery.application.state != Application.State.GIVEN:
        raise Conflict(_("Sign off a delivery once it has been paid."))
    if delivery.signed_off_at is not None:
        raise Conflict(_("This delivery was signed off already."))
    name = received_by_name.strip()
    if not name:
        raise InvalidInput(_("Name who received it."), field="received_by_name")
    if received_on > timezone.localdate() or received_on < delivery.campaign.opens_on:
        raise InvalidInput(_("The day must be between the campaign's opening and today."), field="received_on")
    delivery.received_by_name = name[:64]
    delivery.received_on = received_on
    delivery.handed_over_by = by
    delivery.signed_off_at = timezone.now()
    delivery.save(update_fields=["received_by_name", "received_on", "handed_over_by", "signed_off_at"])
    return delivery
