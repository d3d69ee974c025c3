"""送温暖: campaigns, the need ranking and how far the budget reaches, listing, the yearly cap
across campaigns, cash and goods on the ledger, the distribution sign-off."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import Conflict, InvalidInput
from funds.models import LedgerTransaction
from relief import services
from relief.models import Application, Benefit
from relief.registry import Item
from relief.warmth import selectors
from relief.warmth import services as warmth_services
from relief.warmth.models import Campaign, Delivery
from relief.warmth.ranking import score_household
from tests.funds.conftest import key, yuan
from tests.relief.conftest import ReliefWorld, household_with_head, make_campaign

pytestmark = pytest.mark.django_db


def _listed(campaign: Campaign, people: Any, *households: Any) -> list[Application]:
    outcomes = warmth_services.campaign_list_households(
        campaign=campaign, by=people.olga, household_ids=[h.pk for h in households]
    )
    assert all(o.application is not None for o in outcomes), [o.message for o in outcomes]
    return [o.application for o in outcomes if o.application is not None]


def _decide(application: Application, people: Any) -> Application:
    # Olga listed it: Hana decides the helper step, Alice (the county) the organizer's.
    application = services.application_review(application=application, by=people.hana, approve=True)
    return services.application_review(application=application, by=people.alice, approve=True)


def test_a_campaign_gives_cash_and_goods_on_the_ledger_and_is_signed_off(relief: ReliefWorld, people: Any) -> None:
    campaign = make_campaign(relief, people)
    [application] = _listed(campaign, people, relief.household)
    assert application.amount == yuan(500) and application.goods_value == yuan(60)
    application = _decide(application, people)
    assert application.state == Application.State.APPROVED
    assert application.cash_request.requested_by == people.alice and application.goods_request.kind == "in_kind"
    services.application_payment_approve(application=application, by=people.olga)
    benefit = services.application_pay(application=application, by=people.olga, idempotency_key=key("warmth"))
    assert benefit.kind == Benefit.Kind.CASH_AND_GOODS and benefit.total == yuan(560)
    assert [(i.name, i.quantity) for i in benefit.items.all()] == [("大米 10kg", 1)]
    kinds = sorted(LedgerTransaction.objects.filter(purpose__code="warmth").values_list("kind", flat=True))
    assert kinds == ["grant", "in_kind"]
    delivery = Delivery.objects.get(application=application)
    import datetime as dt

    warmth_services.delivery_sign_off(
        delivery=delivery, by=people.hana, received_by_name="王强", received_on=dt.date.today()
    )
    delivery.refresh_from_db()
    assert delivery.handed_over_by == people.hana and delivery.signed_off_at is not None
    with pytest.raises(Conflict):
        warmth_services.delivery_sign_off(
            delivery=delivery, by=people.hana, received_by_name="x", received_on=dt.date.today()
        )


def test_a_warmth_payment_over_the_yearly_cap_per_household_is_refused(relief: ReliefWorld, people: Any) -> None:
    spring = make_campaign(relief, people, cash=yuan(1_500), goods=[])
    winter = make_campaign(relief, people, name="冬季送温暖", cash=yuan(1_000), goods=[])
    _listed(spring, people, relief.household)
    outcomes = warmth_services.campaign_list_households(
        campaign=winter, by=people.olga, household_ids=[relief.household.pk]
    )
    assert outcomes[0].application is None and "at most ¥2,000.00" in outcomes[0].message
    assert Application.objects.filter(track="warmth").count() == 1
    assert not Delivery.objects.filter(campaign=winter).exists()
    # The service refuses it too, named as such, whoever asks.
    with pytest.raises(Conflict) as refused:
        services.application_create(
            by=people.hana, track="warmth", member=relief.wang, data={"campaign": winter.pk}, consent_note="电话同意"
        )
    assert refused.value.code == "over_cap"


def test_a_household_is_listed_once_per_campaign(relief: ReliefWorld, people: Any) -> None:
    campaign = make_campaign(relief, people, cash=yuan(300), goods=[])
    _listed(campaign, people, relief.household)
    outcomes = warmth_services.campaign_list_households(
        campaign=campaign, by=people.olga, household_ids=[relief.household.pk]
    )
    assert outcomes[0].application is None and "already" in outcomes[0].message
    assert Delivery.objects.filter(campaign=campaign).count() == 1


def test_approvals_beyond_the_campaigns_budget_are_refused(relief: ReliefWorld, people: Any, tree: Any) -> None:
    campaign = make_campaign(relief, people, limit=yuan(1_000), cash=yuan(500), goods=[])
    households = [household_with_head(tree) for _ in range(3)]
    applications = _listed(campaign, people, *households)
    _decide(applications[0], people)
    _decide(applications[1], people)
    third = services.application_review(application=applications[2], by=people.hana, approve=True)
    with pytest.raises(Conflict) as refused:
        services.application_review(application=third, by=people.alice, approve=True)
    assert refused.value.code == "campaign_budget_spent"
    third.refresh_from_db()
    assert third.state == Application.State.ORGANIZER_REVIEW and third.cash_request is None


def test_the_ranking_puts_the_neediest_first_and_shows_how_far_the_budget_reaches(
    relief: ReliefWorld, people: Any, tree: Any
) -> None:
    poorest = household_with_head(tree, income="100.00", causes=("illness", "disability"), dibao="receiving")
    middle = household_with_head(tree, income="600.00", causes=("illness",))
    above = household_with_head(tree, income="1500.00")
    campaign = make_campaign(relief, people, limit=yuan(1_000), cash=yuan(500), goods=[])
    standing = selectors.standing_for(people.olga, campaign)
    order = [c.household_id for c in standing.candidates]
    assert order.index(poorest.pk) < order.index(middle.pk) < order.index(above.pk)
    assert standing.reach == 2
    assert [c.reached for c in standing.candidates[:3]] == [True, True, False]
    assert any("illness" in r for r in standing.candidates[0].reasons)
    # Town B's organizer does not see town A's campaign at all.
    assert not selectors.campaign_list_for(people.bob).filter(pk=campaign.pk).exists()


def test_the_need_score_follows_the_written_rule() -> None:
    score, reasons = score_household(
        income=0, line=80_000, dibao=True, causes={"illness", "disability"}, members=4, dependants=2
    )
    assert score == 40 + 10 + 12 + 12 + 10
    assert [code for code, _params in reasons] == ["below", "dibao", "illness", "disability", "dependants"]
    above, _ = score_household(income=200_000, line=80_000, dibao=False, causes=set(), members=2, dependants=0)
    assert above == 0


def test_a_campaign_needs_a_gift_a_warmth_budget_and_a_window(relief: ReliefWorld, people: Any) -> None:
    import datetime as dt

    with pytest.raises(InvalidInput):
        make_campaign(relief, people, cash=0, goods=[])
    bad = warmth_services.CampaignInput(
        name="x",
        occasion="winter",
        budget=relief.budgets["medical"],
        limit=yuan(1_000),
        cash_per_household=yuan(100),
        goods=[Item("棉被", 1, yuan(100))],
        opens_on=dt.date.today(),
        closes_on=dt.date.today(),
    )
    with pytest.raises(InvalidInput) as refused:
        warmth_services.campaign_create(by=people.olga, data=bad)
    assert refused.value.field == "budget"
    assert not Campaign.objects.exists()


def test_workers_do_not_apply_for_warmth_it_is_given_from_the_ranking(
    relief: ReliefWorld, people: Any, client: Any
) -> None:
    from django.urls import reverse

    from core.errors import NotFound

    campaign = make_campaign(relief, people)
    with pytest.raises(NotFound):
        services.application_create(by=people.wang, track="warmth", member=relief.wang, data={"campaign": campaign.pk})
    client.force_login(people.wang)
    assert client.get(reverse("relief:apply", args=["warmth"])).status_code == 404
    assert not Application.objects.exists()
