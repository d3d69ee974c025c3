"""Reads of 送温暖: campaigns in reach, a campaign's ranking and its list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from households.models import Household
from relief.models import Application
from relief.warmth import ranking
from relief.warmth.models import Campaign, Delivery
from relief.warmth.relief import YEARLY_CAP, committed


def campaign_list_for(user: User) -> QuerySet[Campaign]:
    """Campaigns run by a unit in reach, or by a unit above that covers it (a county campaign is
    worked by the towns)."""
    if not visibility.may(user, Action.VIEW_RELIEF):
        return Campaign.objects.none()
    rows = Campaign.objects.select_related("org_unit", "budget__source")
    if visibility.is_admin(user):
        return rows
    unit = user.org_unit
    if unit is None:
        return Campaign.objects.none()
    above = [u.pk for u in unit.ancestors()] + [unit.pk]
    return rows.filter(org_unit__in=above) | rows.filter(org_unit__path__startswith=unit.path)


def campaign_get_for(user: User, pk: Any) -> Campaign:
    campaign = campaign_list_for(user).filter(pk=int_pk(pk)).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    return campaign


@dataclass
class Standing:
    campaign: Campaign
    committed: int
    paid: int
    remaining: int
    listed: int
    candidates: ranking.Ranking = field(default_factory=lambda: ranking.Ranking([], 0))
    over_cap: int = 0

    @property
    def reach(self) -> int:
        """How many more households of the ranking the budget left covers (what is listed and not
        yet approved counted as spent)."""
        return self.candidates.reach

    @property
    def last_reached(self) -> ranking.Candidate | None:
        """The last household the budget reaches, on the ranking."""
        reach = self.candidates.reach
        return self.candidates[reach - 1] if reach else None


def standing_for(user: User, campaign: Campaign, *, rank: bool = True) -> Standing:
    """The campaign's money, its list, and the ranking of the households in the user's reach that
    are not on the list yet (the budget's reach marked)."""
    spent = committed(campaign)
    paid = sum(
        a.total for a in Application.objects.filter(warmth_delivery__campaign=campaign, state=Application.State.GIVEN)
    )
    listed_ids = set(Delivery.objects.filter(campaign=campaign, released=False).values_list("household_id", flat=True))
    standing = Standing(campaign, spent, paid, max(0, campaign.limit - spent), len(listed_ids))
    if rank:
        # The campaign's subtree as an id list from the small unit table, not a join on the path.
        subtree = list(campaign.org_unit.subtree().values_list("pk", flat=True))
        households = visibility.scope(user, Household.objects.all(), unit="org_unit").filter(org_unit__in=subtree)
        # What is listed but not approved yet will draw on the budget too: the reach counts it.
        pending = sum(
            a.total
            for a in Application.objects.filter(
                warmth_delivery__campaign=campaign, state__in=[s for s in Application.OPEN_STATES if s != "approved"]
            )
        )
        standing.candidates, standing.over_cap = ranking.candidates(
            households,
            on=timezone.localdate(),
            year_period=str(campaign.opens_on.year),
            yearly_cap=YEARLY_CAP,
            per_household=campaign.per_household,
            remaining=max(0, standing.remaining - pending),
            exclude_ids=listed_ids,
        )
    return standing


def deliveries_for(campaign: Campaign) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(campaign=campaign, released=False)
        .select_related("application__member", "household", "handed_over_by")
        .order_by("-score", "id")
    )
