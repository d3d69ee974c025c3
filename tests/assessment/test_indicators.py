"""Indicators: each one counts what it says for a unit's whole subtree and a period; counts add up the
tree; ratios are recomputed from summed parts; a past day is rebuilt from the records' dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OrgUnit
from assessment import engine, registry
from assessment.periods import Period
from assessment.registry import Group, Indicator, Measure, MeasureUnit, Over
from fairs.models import Attendee, JobFair
from households.models import Household, MemberSkill, Pairing, PlanGoal, Visit
from jobs.models import EmploymentService, RetentionCheck
from tests.assessment.conftest import exited, hire, households
from tests.conftest import People, Tree
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    OrgUnitFactory,
    PairingFactory,
    PlanGoalFactory,
    ReliefPlanFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
LAST_YEAR = TODAY().year - 1


def table(period: Period, *codes: str, tops: Any = None) -> engine.Table:
    chosen = [i for i in registry.indicators() if not codes or i.code in codes]
    return engine.evaluate(chosen, period, tops=tops)


def value(t: engine.Table, unit: OrgUnit, code: str) -> Decimal | None:
    return t.figure(unit, code).value


def test_the_registry_holds_the_issues_indicators_each_with_names_unit_and_kind() -> None:
    codes = set(registry.codes())
    expected = {
        "households_active",
        "households_new",
        "households_exited",
        "households_returned",
        "households_without_helper",
        "visits_overdue",
        "plan_goals_on_time",
        "placements",
        "placement_retention_6m",
        "capable_certified",
        "one_skill_coverage",
        "graduates_placed",
        "services_counselling",
        "services_job_introduction",
        "services_legal_aid",
        "graduate_fairs_held",
        "ventures_funded",
        "venture_jobs_created",
        "loan_repayment_rate",
        "fund_use",
        "reviews_done",
        "relief_warmth",
        "fund_use_warmth",
    }
    assert expected <= codes
    for indicator in registry.indicators():
        assert indicator.name_zh and indicator.name_en and indicator.unit in MeasureUnit.values
        assert indicator.adds_up == (not indicator.is_ratio)
        assert (indicator.unit == MeasureUnit.PERCENT) == indicator.is_ratio


def test_a_second_indicator_with_a_taken_code_is_refused() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(
            "households_active",
            zh="重复",
            en="Duplicate",
            unit=MeasureUnit.HOUSEHOLDS,
            over=Over.STOCK,
            group=Group.HOUSEHOLDS,
        )(lambda period: Measure(Household.objects.all(), "org_unit"))


def test_households_active_new_exited_and_returned_over_a_year(tree: Tree) -> None:
    year = Period.year(LAST_YEAR)
    households(tree.station_a, 2, activated_on=dt.date(LAST_YEAR, 3, 1))  # new last year, still active
    households(tree.town_b, 1, activated_on=dt.date(LAST_YEAR - 2, 5, 1))  # active throughout
    exited(tree.station_a, dt.date(LAST_YEAR, 6, 1), activated=dt.date(LAST_YEAR - 1, 1, 1))
    exited(tree.town_a, dt.date(LAST_YEAR - 1, 6, 1))  # exited the year before: not active, not an exit of the year
    returned = households(
        tree.town_b,
        1,
        activated_on=dt.date(LAST_YEAR - 2, 1, 1),
        exited_on=dt.date(LAST_YEAR - 1, 3, 1),
        reentered_on=dt.date(LAST_YEAR, 2, 1),
        reentry_count=1,
    )
    households(
        tree.town_b,
        1,
        state=Household.State.CLOSED,
        activated_on=dt.date(LAST_YEAR - 1, 1, 1),
        closed_on=dt.date(LAST_YEAR, 4, 1),
    )
    households(tree.station_a, 1, state=Household.State.DRAFT, activated_on=None)
    t = table(year, "households_active", "households_new", "households_exited", "households_returned")
    assert value(t, tree.county, "households_active") == 4  # 2 new + 1 throughout + 1 returned
    assert value(t, tree.town_b, "households_active") == 2
    assert value(t, tree.county, "households_new") == 2
    assert value(t, tree.county, "households_exited") == 1 and value(t, tree.town_a, "households_exited") == 1
    assert value(t, tree.county, "households_returned") == 1 and returned[0].org_unit == tree.town_b
    assert value(t, tree.town_b, "households_returned") == 1


def test_a_past_day_is_rebuilt_from_the_dates_today_from_the_state(tree: Tree) -> None:
    [household] = exited(tree.station_a, dt.date(LAST_YEAR, 6, 10), activated=dt.date(LAST_YEAR - 1, 3, 1))
    before = table(Period.month(LAST_YEAR, 5), "households_active")
    after = table(Period.month(LAST_YEAR, 6), "households_active")
    now = table(Period.year(TODAY().year), "households_active")
    assert value(before, tree.county, "households_active") == 1
    assert value(after, tree.county, "households_active") == 0
    assert value(now, tree.county, "households_active") == 0
    Household.objects.filter(pk=household.pk).update(
        state=Household.State.ACTIVE, reentered_on=dt.date(LAST_YEAR, 9, 1)
    )
    assert value(table(Period.month(LAST_YEAR, 8), "households_active"), tree.county, "households_active") == 0
    assert value(table(Period.month(LAST_YEAR, 9), "households_active"), tree.county, "households_active") == 1
    assert value(table(Period.year(TODAY().year), "households_active"), tree.county, "households_active") == 1


def test_households_without_a_helper_on_the_periods_last_day(tree: Tree, people: People) -> None:
    [paired, unpaired, ended] = households(tree.station_a, 3, activated_on=dt.date(LAST_YEAR, 1, 1))
    PairingFactory(
        household=paired, helper=people.hana, helping_unit=tree.station_a, started_on=dt.date(LAST_YEAR, 1, 1)
    )
    PairingFactory(
        household=ended,
        helper=people.hana,
        helping_unit=tree.station_a,
        started_on=dt.date(LAST_YEAR, 1, 1),
        ended_on=dt.date(LAST_YEAR, 5, 1),
    )
    assert (
        value(table(Period.month(LAST_YEAR, 4), "households_without_helper"), tree.county, "households_without_helper")
        == 1
    )
    assert (
        value(table(Period.month(LAST_YEAR, 5), "households_without_helper"), tree.county, "households_without_helper")
        == 2
    )
    assert unpaired.pairings.count() == 0 and Pairing.objects.count() == 2


def test_visits_overdue_today_from_the_archive_and_on_a_past_day_from_the_visits(tree: Tree, people: People) -> None:
    today = TODAY()
    [late, on_time] = households(tree.station_a, 2, activated_on=dt.date(LAST_YEAR, 1, 1))
    Household.objects.filter(pk=late.pk).update(next_visit_due=today - dt.timedelta(days=3))
    Household.objects.filter(pk=on_time.pk).update(next_visit_due=today + dt.timedelta(days=30))
    assert value(table(Period.year(today.year), "visits_overdue"), tree.county, "visits_overdue") == 1
    # Last June: "late" was visited in March with the next visit due in May; "on_time" in June, due in September.
    VisitFactory(
        household=late,
        visited_by=people.hana,
        visited_on=dt.date(LAST_YEAR, 3, 1),
        next_visit_due=dt.date(LAST_YEAR, 5, 1),
    )
    VisitFactory(
        household=on_time,
        visited_by=people.hana,
        visited_on=dt.date(LAST_YEAR, 6, 5),
        next_visit_due=dt.date(LAST_YEAR, 9, 1),
    )
    june = table(Period.month(LAST_YEAR, 6), "visits_overdue")
    assert value(june, tree.county, "visits_overdue") == 1 and value(june, tree.station_a, "visits_overdue") == 1
    # In January neither had been visited yet; both were archived on 1 January, under 30 days before.
    assert value(table(Period.month(LAST_YEAR, 1), "visits_overdue"), tree.county, "visits_overdue") == 0
    assert value(table(Period.month(LAST_YEAR, 2), "visits_overdue"), tree.county, "visits_overdue") == 2
    assert Visit.objects.count() == 2


def goal(household: Household, due: dt.date, met_on: dt.date | None) -> PlanGoal:
    plan = household.plans.first() or ReliefPlanFactory(household=household)
    return PlanGoalFactory(
        plan=plan,
        due_on=due,
        status=PlanGoal.Status.MET if met_on else PlanGoal.Status.OPEN,
        met_on=met_on,
    )


def test_a_ratio_is_its_summed_numerator_over_its_summed_denominator_never_an_average(tree: Tree) -> None:
    """Station A meets 1 goal of 1 (100%), town B 1 of 4 (25%): the county is 2 of 5 (40%), not the
    average of the two units (62.5%)."""
    due = dt.date(LAST_YEAR, 6, 30)
    [a] = households(tree.station_a, 1)
    goal(a, due, dt.date(LAST_YEAR, 6, 1))
    [b] = households(tree.town_b, 1)
    goal(b, due, dt.date(LAST_YEAR, 6, 29))
    goal(b, due, dt.date(LAST_YEAR, 7, 15))  # met, but late
    goal(b, due, None)
    goal(b, due, None)
    t = table(Period.year(LAST_YEAR), "plan_goals_on_time")
    assert value(t, tree.station_a, "plan_goals_on_time") == Decimal("100.00")
    assert value(t, tree.town_b, "plan_goals_on_time") == Decimal("25.00")
    county = t.figure(tree.county, "plan_goals_on_time")
    assert (county.numerator, county.denominator, county.value) == (2, 5, Decimal("40.00"))
    assert county.value != (Decimal("100") + Decimal("25")) / 2
    assert value(t, tree.town_a, "plan_goals_on_time") == Decimal("100.00")


def test_every_count_of_a_parent_is_its_own_plus_its_childrens(tree: Tree, people: People) -> None:
    deeper = OrgUnitFactory(name="二级站", kind=OrgUnit.Kind.STATION, parent=tree.station_a)
    for unit, n in ((tree.county, 1), (tree.town_a, 2), (tree.station_a, 3), (deeper, 1), (tree.town_b, 4)):
        for household in households(unit, n, activated_on=dt.date(LAST_YEAR, 2, 1)):
            member = MemberFactory(household=household)
            hire(member, dt.date(LAST_YEAR, 5, 1), people=people)
            goal(household, dt.date(LAST_YEAR, 3, 1), dt.date(LAST_YEAR, 2, 20) if n % 2 else None)
        exited(unit, dt.date(LAST_YEAR, 8, 1), n)
    t = table(Period.year(LAST_YEAR))
    for indicator in t.indicators:
        for unit in t.units:
            total = t.figure(unit, indicator.code)
            own = t.figure(unit, indicator.code, own=True)
            children = [t.figure(child, indicator.code) for child in t.children(unit)]
            assert total.numerator == own.numerator + sum(c.numerator for c in children), indicator.code
            if indicator.is_ratio:
                assert total.denominator == (own.denominator or 0) + sum(c.denominator or 0 for c in children)
    assert value(t, tree.county, "placements") == 11 and value(t, tree.station_a, "placements") == 4
    assert value(t, tree.county, "households_exited") == 11


def test_placements_graduates_and_the_six_month_retention(tree: Tree, people: People) -> None:
    [household] = households(tree.station_a, 1)
    graduate = MemberFactory(household=household, graduation_year=LAST_YEAR - 1, relation="child")
    worker = MemberFactory(household=household, relation="spouse")
    first = hire(graduate, dt.date(LAST_YEAR, 1, 10), people=people)
    second = hire(worker, dt.date(LAST_YEAR, 2, 10), people=people)
    hire(worker, dt.date(LAST_YEAR - 1, 2, 10), people=people)  # the year before
    for placement, outcome in ((first, RetentionCheck.Outcome.STILL_EMPLOYED), (second, RetentionCheck.Outcome.LEFT)):
        RetentionCheck.objects.create(
            placement=placement,
            months=6,
            due_on=placement.start_date + dt.timedelta(days=182),
            done_on=placement.start_date + dt.timedelta(days=185),
            outcome=outcome,
        )
    t = table(Period.year(LAST_YEAR), "placements", "graduates_placed", "placement_retention_6m")
    assert value(t, tree.county, "placements") == 2
    assert value(t, tree.county, "graduates_placed") == 1
    retention = t.figure(tree.town_a, "placement_retention_6m")
    assert (retention.numerator, retention.denominator, retention.value) == (1, 2, Decimal("50.00"))


def test_employment_services_are_counted_by_kind(tree: Tree, people: People) -> None:
    member = MemberFactory(household=households(tree.town_b, 1)[0])
    for kind, n in ((EmploymentService.Kind.COUNSELLING, 2), (EmploymentService.Kind.LEGAL_AID, 1)):
        for _ in range(n):
            EmploymentService.objects.create(
                member=member, kind=kind, held_on=dt.date(LAST_YEAR, 4, 1), provided_by=people.bob, outcome="ok"
            )
    t = table(Period.year(LAST_YEAR), "services_counselling", "services_job_introduction", "services_legal_aid")
    assert [
        value(t, tree.county, c) for c in ("services_counselling", "services_job_introduction", "services_legal_aid")
    ] == [2, 0, 1]


def _fair(
    unit: OrgUnit, ends: dt.date, *, kind: str = JobFair.Kind.GRADUATE, state: str = JobFair.State.CLOSED
) -> JobFair:
    return JobFair.objects.create(
        name=f"专场{ends}{kind}{state}",
        kind=kind,
        state=state,
        org_unit=unit,
        starts_on=ends,
        ends_on=ends,
        registration_opens=ends - dt.timedelta(days=30),
        registration_closes=ends,
        capacity=100,
    )


def test_graduate_fairs_count_only_when_held_with_check_ins(tree: Tree) -> None:
    member = MemberFactory(household=households(tree.town_a, 1)[0])
    held = _fair(tree.town_a, dt.date(LAST_YEAR, 7, 1))
    Attendee.objects.create(fair=held, member=member, checked_in_at=timezone.now())
    empty = _fair(tree.town_b, dt.date(LAST_YEAR, 7, 2))  # nobody came
    Attendee.objects.create(fair=empty, member=member)
    general = _fair(tree.town_b, dt.date(LAST_YEAR, 7, 3), kind=JobFair.Kind.GENERAL)
    Attendee.objects.create(fair=general, member=member, checked_in_at=timezone.now())
    upcoming = _fair(tree.town_b, TODAY() + dt.timedelta(days=3), state=JobFair.State.PUBLISHED)
    Attendee.objects.create(fair=upcoming, member=member, checked_in_at=timezone.now())
    assert value(table(Period.year(LAST_YEAR), "graduate_fairs_held"), tree.county, "graduate_fairs_held") == 1
    this_year = table(Period.year(TODAY().year), "graduate_fairs_held")
    assert value(this_year, tree.county, "graduate_fairs_held") == 0  # scheduled is not held


def test_one_skill_coverage_counts_capable_members_with_a_certified_skill(tree: Tree) -> None:
    from skills.models import Skill

    skill = Skill.objects.filter(is_active=True).first()
    assert skill is not None
    [a] = households(tree.station_a, 1)
    [b] = households(tree.town_b, 1)
    certified = MemberFactory(household=a, relation="head")
    MemberFactory(household=a, relation="spouse")
    MemberFactory(household=b, relation="head")
    MemberFactory(household=b, relation="spouse", work_capacity="none")  # not able to work: not counted
    MemberSkill.objects.create(member=certified, skill=skill, phrase="电工", certified=True)
    t = table(Period.year(TODAY().year), "capable_certified", "one_skill_coverage")
    coverage = t.figure(tree.county, "one_skill_coverage")
    assert (coverage.numerator, coverage.denominator) == (1, 3)
    assert value(t, tree.town_a, "capable_certified") == 1 and value(t, tree.town_b, "one_skill_coverage") == 0


def test_ventures_funded_and_the_repayment_rate(world: Any, people: People, products: Any, tree: Tree) -> None:
    from tests.funds.conftest import key, yuan
    from tests.ventures.conftest import disbursed
    from ventures import services as venture_services

    loan = disbursed(world, people, products["free"], yuan(12_000))
    venture_services.loan_repay(loan=loan, by=people.hana, amount=yuan(1_000), idempotency_key=key())
    year = Period.year(TODAY().year)
    t = table(year, "ventures_funded", "venture_loans_disbursed")
    assert value(t, tree.county, "ventures_funded") == 1 and value(t, tree.town_b, "ventures_funded") == 0
    assert value(t, tree.station_a, "venture_loans_disbursed") == Decimal("12000.00")
    first, second = loan.instalments.order_by("number")[:2]
    # The rate counts what has fallen due: move the first two instalments into the past.
    yesterday = TODAY() - dt.timedelta(days=1)
    type(first).objects.filter(pk__in=[first.pk, second.pk]).update(due_on=yesterday)
    whole = Period.months_between(yesterday, yesterday)
    rate = engine.evaluate([registry.get("loan_repayment_rate")], whole).figure(tree.county, "loan_repayment_rate")  # type: ignore[list-item]
    assert rate.denominator == first.amount + second.amount
    assert rate.numerator == yuan(1_000) and rate.value == Decimal("50.00")


def test_fund_use_and_relief_per_purpose_from_the_ledger(world: Any, people: People, tree: Tree) -> None:
    from tests.funds.conftest import paid, yuan

    paid(world, people, yuan(2_000))
    t = table(
        Period.year(TODAY().year), "fund_use", "fund_use_entrepreneurship", "relief_entrepreneurship", "relief_warmth"
    )
    use = t.figure(tree.county, "fund_use_entrepreneurship")
    assert (use.numerator, use.denominator, use.value) == (yuan(2_000), yuan(100_000), Decimal("2.00"))
    assert t.figure(tree.town_a, "fund_use").value == Decimal("2.00")
    assert value(t, tree.station_a, "relief_entrepreneurship") == Decimal("2000.00")
    assert value(t, tree.county, "relief_warmth") == Decimal("0.00")


def test_a_registered_throw_away_indicator_goes_through_the_engine_like_the_others(tree: Tree, people: People) -> None:
    [household] = households(tree.station_a, 1)
    VisitFactory(household=household, visited_by=people.hana, visited_on=dt.date(LAST_YEAR, 3, 3))
    VisitFactory(household=household, visited_by=people.hana, visited_on=dt.date(LAST_YEAR, 4, 4))

    def visits_made(period: Period) -> Measure:
        return Measure(
            Visit.objects.filter(visited_on__range=(period.start, period.end)), "household__org_unit", Count("pk")
        )

    indicator = Indicator(
        code="visits_made_test",
        name_zh="走访次数",
        name_en="Visits made",
        unit=MeasureUnit.TIMES,
        over=Over.FLOW,
        group=Group.HOUSEHOLDS,
        compute=visits_made,
    )
    with registry.registered(indicator):
        assert "visits_made_test" in registry.codes()
        t = table(Period.year(LAST_YEAR))
        assert value(t, tree.county, "visits_made_test") == 2 and value(t, tree.town_b, "visits_made_test") == 0
    assert "visits_made_test" not in registry.codes()


def test_the_number_of_queries_does_not_grow_with_units_or_households(tree: Tree) -> None:
    period = Period.year(LAST_YEAR)
    households(tree.station_a, 2, activated_on=dt.date(LAST_YEAR, 1, 1))
    with CaptureQueriesContext(connection) as small:
        table(period)
    for i in range(8):
        station = OrgUnitFactory(name=f"站{i}", kind=OrgUnit.Kind.STATION, parent=tree.town_b)
        for household in households(station, 3, activated_on=dt.date(LAST_YEAR, 1, 1)):
            MemberFactory(household=household)
    with CaptureQueriesContext(connection) as large:
        t = table(period)
    assert len(large) == len(small)
    assert value(t, tree.county, "households_active") == 26
    assert HouseholdFactory._meta.model.objects.count() == 26
