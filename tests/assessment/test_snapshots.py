"""Month-end snapshots: idempotent, re-runnable for a past month, the beat's run taken once; reports
for a longer period built from them (flows summed, stocks at the end, ratios from summed parts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessment import registry, selectors, services, tasks
from assessment.models import Snapshot
from assessment.periods import Period, last_closed_month
from core.errors import InvalidInput
from households.models import Household, PlanGoal
from tests.assessment.conftest import exited, households
from tests.conftest import People, Tree
from tests.factories import PlanGoalFactory, ReliefPlanFactory

pytestmark = pytest.mark.django_db
LAST = timezone.localdate().year - 1


def test_a_month_is_snapshot_for_every_unit_and_indicator_and_again_without_duplicates(tree: Tree) -> None:
    households(tree.station_a, 2, activated_on=dt.date(LAST, 1, 5))
    march = Period.month(LAST, 3)
    written = services.snapshot_month(period=march)
    assert written == 4 * len(registry.indicators()) == Snapshot.objects.count()
    row = Snapshot.objects.get(org_unit=tree.county, indicator="households_active", month=march.start)
    assert (row.numerator, row.own_numerator) == (2, 0)
    assert Snapshot.objects.get(org_unit=tree.station_a, indicator="households_active").own_numerator == 2
    # A household archived back then, entered late: re-running the month takes it in, nothing doubles.
    households(tree.town_b, 1, activated_on=dt.date(LAST, 2, 1))
    assert services.snapshot_month(period=march) == written
    assert Snapshot.objects.count() == written
    assert Snapshot.objects.get(org_unit=tree.county, indicator="households_active").numerator == 3


def test_a_month_that_has_not_ended_is_refused(tree: Tree) -> None:
    today = timezone.localdate()
    with pytest.raises(InvalidInput, match="not ended"):
        services.snapshot_month(period=Period.month(today.year, today.month))
    with pytest.raises(InvalidInput):
        services.snapshot_month(period=Period.year(LAST))
    assert not Snapshot.objects.exists()


def test_the_beat_takes_the_month_that_just_ended_once(tree: Tree, eager_tasks: None) -> None:
    households(tree.station_a, 1, activated_on=dt.date(LAST, 1, 5))
    assert tasks.snapshot_last_month.delay().get() > 0
    taken = Snapshot.objects.count()
    households(tree.station_a, 1, activated_on=dt.date(LAST, 1, 5))
    assert tasks.snapshot_last_month.delay().get() == 0  # already taken: left as it was
    month = last_closed_month()
    assert Snapshot.objects.filter(month=month.start).count() == taken
    assert tasks.snapshot_month.delay(month.key).get() == taken  # re-run by hand: refreshed
    assert Snapshot.objects.get(org_unit=tree.county, indicator="households_active").numerator == 2


def test_the_command_takes_a_range_of_past_months(tree: Tree) -> None:
    households(tree.station_a, 1, activated_on=dt.date(LAST, 1, 5))
    call_command("snapshot_months", f"{LAST}-01", f"{LAST}-03")
    assert Snapshot.objects.values("month").distinct().count() == 3


def test_a_report_adds_up_flows_reads_stocks_at_the_end_and_recomputes_ratios(tree: Tree, people: People) -> None:
    households(tree.station_a, 2, activated_on=dt.date(LAST - 1, 1, 5))
    exited(tree.station_a, dt.date(LAST, 1, 20))
    exited(tree.town_b, dt.date(LAST, 2, 10), 2)
    # Goals: in January station A meets 1 of 1 on time; in February town B 1 of 4.
    plan_a = ReliefPlanFactory(household=Household.objects.filter(org_unit=tree.station_a).first())
    PlanGoalFactory(plan=plan_a, due_on=dt.date(LAST, 1, 31), status=PlanGoal.Status.MET, met_on=dt.date(LAST, 1, 10))
    plan_b = ReliefPlanFactory(household=Household.objects.filter(org_unit=tree.town_b).first())
    for met in (True, False, False, False):
        PlanGoalFactory(
            plan=plan_b,
            due_on=dt.date(LAST, 2, 28),
            status=PlanGoal.Status.MET if met else PlanGoal.Status.OPEN,
            met_on=dt.date(LAST, 2, 1) if met else None,
        )
    for month in (1, 2):
        services.snapshot_month(period=Period.month(LAST, month))
    period = Period.months_between(dt.date(LAST, 1, 1), dt.date(LAST, 3, 31))
    report = selectors.snapshot_report_for(people.alice, tree.county, period)
    assert [m.key for m in report.missing] == [f"{LAST}-03"]
    county = {
        code: report.figure(tree.county, code)
        for code in ("households_exited", "households_active", "plan_goals_on_time")
    }
    assert county["households_exited"].value == 3  # January 1 + February 2
    assert county["households_active"].value == 2  # February's end
    goals = county["plan_goals_on_time"]
    assert (goals.numerator, goals.denominator, goals.value) == (2, 5, Decimal("40.00"))  # not (100 + 25) / 2
    assert report.figure(tree.town_b, "households_exited").value == 2
    assert list(report.units) == [tree.county, tree.town_a, tree.town_b]


def test_the_trend_reads_the_month_ends(tree: Tree, people: People) -> None:
    last = last_closed_month()
    households(tree.station_a, 1, activated_on=last.start - dt.timedelta(days=40))
    services.snapshot_month(period=last)
    [series] = selectors.trend_for(people.olga, tree.town_a, ["households_active"], months=3)
    assert len(series.values) == 3 and series.values[-1] == 1 and series.values[0] is None
