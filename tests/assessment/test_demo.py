"""The assessment demo: this year's targets, 24 months of snapshots computed from back-dated records,
scorecards accepted, returned and in progress; a second run creates nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from assessment.demo import SNAPSHOT_MONTHS, seed_assessment
from assessment.models import Scorecard, Snapshot, Target, WorkTask
from assessment.selectors import target_grid_for
from households.models import Household
from tests.factories import HouseholdFactory, MemberFactory, PairingFactory
from web.demo import ensure_units, ensure_users


def test_the_demo_sets_targets_snapshots_and_scorecards_in_every_state(db: Any) -> None:
    units = ensure_units()
    users = ensure_users(units, "!")
    today = timezone.localdate()
    helper = next(u for u in users["helper"] if u.org_unit == units["ETK-WL-1"])
    for n in range(30):
        station = units["ETK-WL-1" if n % 2 else "ETK-QP-1"]
        activated = today - dt.timedelta(days=60 + 25 * n)
        exited = n % 5 == 0
        household = HouseholdFactory(
            org_unit=station,
            activated_on=activated,
            state=Household.State.EXITED if exited else Household.State.ACTIVE,
            exited_on=activated + dt.timedelta(days=40) if exited else None,
        )
        MemberFactory(household=household)
        PairingFactory(household=household, helper=helper, helping_unit=station, started_on=activated)
    result = seed_assessment(verbose=lambda _text: None)
    assert result.created > 0
    year = today.year
    assert Target.objects.filter(year=year, org_unit=units["ETK"]).exists()
    assert Target.objects.filter(year=year, org_unit=units["ETK-QP"]).exists()
    months = set(Snapshot.objects.values_list("month", flat=True))
    assert len(months) == SNAPSHOT_MONTHS
    active = dict(
        Snapshot.objects.filter(org_unit=units["ETK"], indicator="households_active").values_list("month", "numerator")
    )
    assert len(set(active.values())) > 1  # a trend, rebuilt from the dates, not one number repeated
    states = set(Scorecard.objects.values_list("state", flat=True))
    assert {Scorecard.State.ACCEPTED, Scorecard.State.RETURNED, Scorecard.State.IN_PROGRESS} <= states
    accepted = Scorecard.objects.filter(state=Scorecard.State.ACCEPTED).first()
    assert accepted is not None and accepted.year == year - 1 and accepted.lines.filter(value__isnull=False).exists()
    grid = target_grid_for(users["admin"][0], units["ETK"], year)
    assert grid.warnings  # the county's own share: the children add up to a little less
    assert WorkTask.objects.exists()
    assert seed_assessment(verbose=lambda _text: None).created == 0
