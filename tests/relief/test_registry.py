"""The plug-in shape: a throw-away track registered in a test runs the whole lifecycle through the
core (apply, review, pay, benefit, plan goal, household page, API) without touching any other
track's code. It has no models of its own: the core is all it needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.urls import reverse

from core.errors import Conflict, InvalidInput
from funds.models import LedgerTransaction
from households.models import Member, PlanGoal
from relief import registry, services
from relief.models import Application, Benefit
from relief.registry import Caps, Eligibility, Pays, Prepared, Track
from tests.funds.conftest import key, yuan
from tests.relief.conftest import ReliefWorld, plan_goal

pytestmark = pytest.mark.django_db


class CoalForm(forms.Form):
    tonnes = forms.IntegerField(min_value=1, max_value=3)


def _eligible(member: Member, on: dt.date) -> Eligibility:
    if member.relation != Member.Relation.HEAD:
        return Eligibility.no("Only the head of household receives winter coal.")
    return Eligibility.yes("Head of an archived household.")


def _prepare(member: Member, data: dict[str, Any], on: dt.date) -> Prepared:
    return Prepared(amount=data["tonnes"] * yuan(300), summary=f"Winter coal, {data['tonnes']} t")


@pytest.fixture
def coal_track() -> Iterator[Track]:
    track = registry.register(
        Track(
            code="winter_coal",
            name_zh="冬季送煤",
            name_en="Winter coal",
            eligibility=_eligible,
            prepare=_prepare,
            pays=Pays.CASH,
            purpose="warmth",
            goal_track="warmth",
            caps=Caps(per_household=yuan(600)),
            form=lambda: CoalForm,
        )
    )
    yield track
    registry.tracks.unregister("winter_coal")


def test_a_new_track_runs_the_whole_lifecycle_through_the_core(
    coal_track: Track, relief: ReliefWorld, people: Any, client: Any
) -> None:
    goal = plan_goal(relief.household, "warmth")
    application = services.application_create(
        by=people.wang, track="winter_coal", member=relief.wang, data={"tonnes": 2}
    )
    assert application.amount == yuan(600) and application.period == str(dt.date.today().year)
    application = services.application_review(application=application, by=people.hana, approve=True)
    application = services.application_review(application=application, by=people.olga, approve=True)
    assert application.state == Application.State.APPROVED
    assert application.budget == relief.budgets["warmth"]  # the default: a budget of the track's purpose
    services.application_payment_approve(application=application, by=people.alice)
    benefit = services.application_pay(application=application, by=people.olga, idempotency_key=key("coal"))
    assert benefit.track == "winter_coal" and benefit.amount == yuan(600)
    assert LedgerTransaction.objects.get(pk=benefit.cash_transaction_id).reference == application.reference
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET and "Winter coal" in goal.evidence

    # The household page lists it, and the API lists the track.
    client.force_login(people.olga)
    page = client.get(reverse("households:detail", args=[relief.household.pk]))
    assert "Winter coal, 2 t" in page.content.decode()
    codes = [t["code"] for t in client.get("/api/v1/relief/tracks/").json()]
    assert "winter_coal" in codes


def test_a_new_tracks_rule_and_cap_are_enforced_by_the_core(
    coal_track: Track, relief: ReliefWorld, people: Any
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.application_create(by=people.wang, track="winter_coal", member=relief.son, data={"tonnes": 1})
    assert refused.value.code == "ineligible" and "head of household" in refused.value.message
    with pytest.raises(InvalidInput) as bad:
        services.application_create(by=people.wang, track="winter_coal", member=relief.wang, data={"tonnes": 9})
    assert bad.value.field == "tonnes"
    services.application_create(by=people.wang, track="winter_coal", member=relief.wang, data={"tonnes": 2})
    with pytest.raises(Conflict) as over:
        services.application_create(by=people.wang, track="winter_coal", member=relief.wang, data={"tonnes": 1})
    assert over.value.code == "over_cap"
    assert Application.objects.filter(track="winter_coal").count() == 1 and not Benefit.objects.exists()


def test_two_tracks_with_one_code_are_refused(coal_track: Track) -> None:
    with pytest.raises(ValueError):
        registry.register(
            Track(
                code="winter_coal", name_zh="x", name_en="x", eligibility=_eligible, prepare=_prepare, purpose="warmth"
            )
        )


def test_a_case_track_registers_but_takes_no_application_yet(relief: ReliefWorld, people: Any) -> None:
    registry.register(
        Track(
            code="insurance_case",
            name_zh="社保欠缴",
            name_en="Insurance arrears",
            kind=registry.Kind.CASE,
            case_kinds=(("arrears", "欠缴"),),
            pays=Pays.NONE,
            eligibility=_eligible,
            prepare=_prepare,
        )
    )
    try:
        with pytest.raises(Conflict):
            services.application_create(by=people.wang, track="insurance_case", member=relief.wang, data={})
        assert not Application.objects.exists()
    finally:
        registry.tracks.unregister("insurance_case")


def test_a_track_that_pays_must_name_its_purpose() -> None:
    with pytest.raises(ValueError):
        Track(code="nopurpose", name_zh="x", name_en="x", eligibility=_eligible, prepare=_prepare, pays=Pays.CASH)
