"""Every read of the assessment that a user triggers, already limited to what that user may see:
union staff see their own unit and the units below it (``accounts.visibility``); a unit out of
reach is "not found". Figures come from ``assessment.engine`` (live) or from the monthly
snapshots (reports of past periods); either way each unit's figure covers its whole subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.rollup import reach_tops
from accounts.visibility import Action
from assessment import engine, registry, scoring
from assessment.models import (
    Evidence,
    Finding,
    HouseholdReview,
    Scheme,
    Scorecard,
    ScorecardLine,
    Snapshot,
    Target,
    WorkPlan,
    WorkTask,
)
from assessment.periods import Period
from assessment.registry import Indicator, Over
from assessment.services import LineFigures, figures_for
from core.errors import NotFound
from core.ids import int_pk
from households.models import Household

# --- units --------------------------------------------------------------------------------------------


def may_view(user: User) -> bool:
    return visibility.may(user, Action.VIEW_ASSESSMENT)


def units_for(user: User) -> list[OrgUnit]:
    """The units whose figures ``user`` may read, in tree order."""
    if not may_view(user):
        return []
    return list(visibility.visible_units(user).order_by("path"))


def home_unit(user: User) -> OrgUnit | None:
    """Where a page starts: the user's own unit, or the top unit for an administrator."""
    if visibility.is_unit_staff(user):
        return user.org_unit
    if visibility.is_admin(user):
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def unit_get_for(user: User, code: Any) -> OrgUnit:
    """A unit by its code (``ETK-WL``), within reach."""
    text = str(code or "").strip()
    unit = None
    if text and may_view(user):
        unit = visibility.visible_units(user).filter(code=text).first()
    if unit is None:
        raise NotFound(_("No such union unit."))
    return unit


def unit_pick_for(user: User, value: Any) -> OrgUnit:
    """The unit a page was asked about (``?unit=`` code, or id for a unit without one), or the
    user's own."""
    text = str(value or "").strip()
    unit = None
    if may_view(user):
        if not text:
            unit = home_unit(user)
        else:
            reach = visibility.visible_units(user)
            unit = reach.filter(code=text).first()
            if unit is None and text.isdigit():
                unit = reach.filter(pk=int_pk(text)).first()
    if unit is None:
        raise NotFound(_("No such union unit."))
    return unit


# --- live figures for a unit and its children ----------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    figure: engine.Figure  # the unit's whole subtree
    own: engine.Figure  # the unit's own records
    target: Decimal | None = None

    @property
    def achieved(self) -> Decimal | None:
        return scoring.achieved(self.figure.value, self.target, lower_is_better=self.indicator.lower_is_better)


@dataclass
class ChildRow:
    unit: OrgUnit
    figures: dict[str, engine.Figure]
    targets: dict[str, Decimal]


@dataclass
class UnitFigures:
    unit: OrgUnit
    period: Period
    rows: list[IndicatorRow]
    children: list[ChildRow]
    table: engine.Table

    def row(self, code: str) -> IndicatorRow | None:
        return next((r for r in self.rows if r.indicator.code == code), None)


def unit_figures_for(
    user: User, unit: OrgUnit, period: Period, indicators: Sequence[Indicator] | None = None
) -> UnitFigures:
    """Every indicator for ``unit`` (its subtree and its own records) and for each unit directly
    below it, with the year's targets when ``period`` is a year. A constant number of queries."""
    if not visibility.may(user, Action.VIEW_ASSESSMENT, unit):
        raise NotFound(_("No such union unit."))
    chosen = list(indicators) if indicators is not None else registry.indicators()
    table = engine.evaluate(chosen, period, tops=[unit])
    children = table.children(unit)
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if period.is_year:
        for unit_id, code, value in Target.objects.filter(
            year=period.start.year, org_unit__in=[unit, *children]
        ).values_list("org_unit_id", "indicator", "value"):
            targets[unit_id][code] = value
    rows = [
        IndicatorRow(
            indicator=i,
            figure=table.figure(unit, i.code),
            own=table.figure(unit, i.code, own=True),
            target=targets[unit.pk].get(i.code),
        )
        for i in chosen
    ]
    child_rows = [
        ChildRow(unit=c, figures={i.code: table.figure(c, i.code) for i in chosen}, targets=targets[c.pk])
        for c in children
    ]
    return UnitFigures(unit=unit, period=period, rows=rows, children=child_rows, table=table)


# --- targets ------------------------------------------------------------------------------------------


@dataclass
class TargetWarning:
    indicator: Indicator
    parent: Decimal
    children: Decimal

    @property
    def over(self) -> bool:
        return self.children > self.parent

    @property
    def difference(self) -> Decimal:
        return abs(self.parent - self.children)


@dataclass
class TargetGrid:
    unit: OrgUnit
    year: int
    indicators: list[Indicator]
    own: dict[str, Target]  # the unit's own targets (set from above)
    children: list[tuple[OrgUnit, dict[str, Target]]]
    warnings: list[TargetWarning]
    may_set: bool  # the viewer may set the children's targets


def target_warnings(
    indicators: Sequence[Indicator], own: dict[str, Decimal], children: Sequence[dict[str, Decimal]]
) -> list[TargetWarning]:
    """Indicators that add up, whose children's targets do not add up to the parent's."""
    warnings = []
    for indicator in indicators:
        if not indicator.adds_up or indicator.code not in own:
            continue
        values = [c[indicator.code] for c in children if indicator.code in c]
        if not values:
            continue
        total = sum(values, Decimal(0))
        if total != own[indicator.code]:
            warnings.append(TargetWarning(indicator, own[indicator.code], total))
    return warnings


def target_grid_for(user: User, unit: OrgUnit, year: int) -> TargetGrid:
    if not visibility.may(user, Action.VIEW_ASSESSMENT, unit):
        raise NotFound(_("No such union unit."))
    children = list(unit.children.filter(is_active=True).order_by("path"))
    by_unit: dict[int, dict[str, Target]] = defaultdict(dict)
    for target in Target.objects.filter(year=year, org_unit__in=[unit, *children]).select_related("set_by"):
        by_unit[target.org_unit_id][target.indicator] = target
    indicators = registry.indicators()
    warnings = target_warnings(
        indicators,
        {code: t.value for code, t in by_unit[unit.pk].items()},
        [{code: t.value for code, t in by_unit[c.pk].items()} for c in children],
    )
    return TargetGrid(
        unit=unit,
        year=year,
        indicators=indicators,
        own=by_unit[unit.pk],
        children=[(c, by_unit[c.pk]) for c in children],
        warnings=warnings,
        may_set=visibility.may(user, Action.SET_TARGETS, unit) and bool(children),
    )


def target_list_for(user: User, *, year: int, unit: OrgUnit | None = None) -> QuerySet[Target]:
    targets = Target.objects.filter(year=year).select_related("org_unit", "set_by")
    if not may_view(user):
        return targets.none()
    targets = visibility.scope(user, targets, unit="org_unit")
    if unit is not None:
        targets = targets.filter(org_unit__path__startswith=unit.path)
    return targets.order_by("org_unit__path", "indicator")


# --- schemes and scorecards ---------------------------------------------------------------------------


def scheme_for(user: User, unit: OrgUnit, year: int) -> Scheme | None:
    if not visibility.may(user, Action.VIEW_ASSESSMENT, unit):
        raise NotFound(_("No such union unit."))
    return Scheme.objects.filter(org_unit=unit, year=year).prefetch_related("lines").first()


@dataclass
class ScoredCard:
    scorecard: Scorecard
    lines: list[LineFigures]
    rank: int = 0

    @property
    def score(self) -> Decimal:
        if self.scorecard.is_frozen and self.scorecard.total_score is not None:
            return self.scorecard.total_score
        return sum((f.score for f in self.lines), Decimal("0.00"))

    @property
    def full_marks(self) -> Decimal:
        return sum((f.line.weight for f in self.lines), Decimal("0.00"))


def _scorecards(user: User) -> QuerySet[Scorecard]:
    cards = Scorecard.objects.select_related("org_unit", "scheme__org_unit", "decided_by", "submitted_by")
    if not may_view(user):
        return cards.none()
    return visibility.scope(user, cards, unit="org_unit")


def _score(cards: list[Scorecard], year: int, tops: Sequence[OrgUnit] | None) -> list[ScoredCard]:
    """Score the cards together: one evaluation of the indicators their lines use, over the whole
    reach, and one query for the year's targets: a constant number of queries for any number of
    units and households."""
    open_cards = [c for c in cards if not c.is_frozen]
    codes = {line.indicator for c in open_cards for line in c.lines.all()}
    indicators = [i for i in registry.indicators() if i.code in codes]
    table = engine.evaluate(indicators, Period.year(year), tops=tops) if open_cards and indicators else None
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if open_cards:
        for unit_id, code, value in Target.objects.filter(
            year=year, org_unit__in=[c.org_unit_id for c in open_cards]
        ).values_list("org_unit_id", "indicator", "value"):
            targets[unit_id][code] = value
    return [ScoredCard(c, figures_for(c, list(c.lines.all()), table, targets[c.org_unit_id])) for c in cards]


def scorecard_ranking_for(user: User, year: int) -> list[ScoredCard]:
    """Every scorecard of the year in reach, best score first (frozen scores for accepted ones,
    live scores for the rest)."""
    cards = list(_scorecards(user).filter(year=year).prefetch_related("lines"))
    scored = _score(cards, year, reach_tops(user))
    scored.sort(key=lambda s: (-s.score, s.scorecard.org_unit.path))
    for index, card in enumerate(scored, start=1):
        card.rank = index
    return scored


@dataclass
class ScorecardPage:
    card: ScoredCard
    evidence: list[Evidence]
    findings: list[Finding]
    may_write: bool  # the unit's own organizers, while it is with the unit
    may_inspect: bool  # a unit above, until accepted
    may_decide: bool  # a unit above, while submitted
    history: list[Any] = field(default_factory=list)


def scorecard_get_for(user: User, pk: Any) -> Scorecard:
    card = _scorecards(user).filter(pk=int_pk(pk)).first()
    if card is None:
        raise NotFound(_("No such scorecard."))
    return card


def scorecard_page_for(user: User, pk: Any) -> ScorecardPage:
    card = scorecard_get_for(user, pk)
    lines = list(card.lines.all())
    table = None
    if not card.is_frozen:
        indicators = [i for i in (registry.get(line.indicator) for line in lines) if i is not None]
        table = engine.evaluate(indicators, Period.year(card.year), tops=[card.org_unit])
    from assessment.services import scorecard_targets

    scored = ScoredCard(card, figures_for(card, lines, table, scorecard_targets(card)))
    above = visibility.may_act_from_above(user, Action.INSPECT, card.org_unit)
    own = visibility.may(user, Action.SELF_ASSESS) and (
        visibility.is_admin(user) or user.org_unit_id == card.org_unit_id
    )
    return ScorecardPage(
        card=scored,
        evidence=list(card.evidence.select_related("line", "uploaded_by")),
        findings=list(card.findings.select_related("recorded_by")),
        may_write=own and card.editable_by_unit and not card.is_frozen,
        may_inspect=above and not card.is_frozen,
        may_decide=above and card.state == Scorecard.State.SUBMITTED,
        history=list(card.history.select_related("history_user").order_by("-history_date")[:20]),
    )


def evidence_get_for(user: User, pk: Any) -> Evidence:
    evidence = Evidence.objects.select_related("scorecard__org_unit").filter(pk=int_pk(pk)).first()
    if evidence is None or not visibility.may(user, Action.VIEW_ASSESSMENT, evidence.scorecard.org_unit):
        raise NotFound(_("No such file."))
    return evidence


def scorecard_line_get(scorecard: Scorecard, pk: Any) -> ScorecardLine | None:
    return scorecard.lines.filter(pk=int_pk(pk)).first() if pk else None


# --- snapshots and reports built from them -------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotValue:
    numerator: int
    denominator: int | None

    def figure(self, indicator: Indicator) -> engine.Figure:
        return engine.Figure(indicator, self.numerator, self.denominator)


def combine_months(indicator: Indicator, months: Sequence[SnapshotValue]) -> SnapshotValue | None:
    """Months into a longer period: a flow's numerators and denominators are summed (a ratio is
    recomputed from the sums, never averaged); a stock is the last month's."""
    if not months:
        return None
    if indicator.over == Over.STOCK:
        return months[-1]
    numerator = sum(m.numerator for m in months)
    denominator = sum(m.denominator or 0 for m in months) if indicator.is_ratio else None
    return SnapshotValue(numerator, denominator)


@dataclass
class SnapshotReport:
    unit: OrgUnit
    period: Period
    indicators: list[Indicator]
    units: list[OrgUnit]  # the unit, then each unit directly below it
    values: dict[tuple[int, str], engine.Figure]
    missing: list[Period]  # months with no snapshot (the report leaves them out)

    def figure(self, unit: OrgUnit, code: str) -> engine.Figure | None:
        return self.values.get((unit.pk, code))


def snapshot_report_for(
    user: User, unit: OrgUnit, period: Period, indicators: Sequence[Indicator] | None = None
) -> SnapshotReport:
    """The upward report (上报) for ``period``, built from the month-end snapshots of the unit and
    of each unit directly below it, so that it reads the same whenever it is produced."""
    if not visibility.may(user, Action.VIEW_ASSESSMENT, unit):
        raise NotFound(_("No such union unit."))
    chosen = list(indicators) if indicators is not None else registry.indicators()
    units = [unit, *unit.children.order_by("path")]
    months = [m for m in period.months() if m.has_ended]
    rows = Snapshot.objects.filter(
        org_unit__in=units, indicator__in=[i.code for i in chosen], month__in=[m.start for m in months]
    ).values_list("org_unit_id", "indicator", "month", "numerator", "denominator")
    series: dict[tuple[int, str], dict[dt.date, SnapshotValue]] = defaultdict(dict)
    present: set[dt.date] = set()
    for unit_id, code, month, numerator, denominator in rows:
        series[(unit_id, code)][month] = SnapshotValue(numerator, denominator)
        present.add(month)
    values: dict[tuple[int, str], engine.Figure] = {}
    for u in units:
        for indicator in chosen:
            by_month = series.get((u.pk, indicator.code), {})
            combined = combine_months(indicator, [by_month[m.start] for m in months if m.start in by_month])
            if combined is not None:
                values[(u.pk, indicator.code)] = combined.figure(indicator)
    missing = [m for m in months if m.start not in present]
    return SnapshotReport(unit=unit, period=period, indicators=chosen, units=units, values=values, missing=missing)


@dataclass
class Series:
    indicator: Indicator
    months: list[Period]
    values: list[Decimal | None]  # per month; None: no snapshot for that month


def trend_for(user: User, unit: OrgUnit, codes: Sequence[str], *, months: int = 24) -> list[Series]:
    """The unit's month-end values of ``codes`` over the last ``months`` ended months."""
    if not visibility.may(user, Action.VIEW_ASSESSMENT, unit):
        raise NotFound(_("No such union unit."))
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    first = last.replace(day=1)
    for _step in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    window = Period.months_between(first, last).months()
    indicators = [i for i in (registry.get(c) for c in codes) if i is not None]
    stored = {
        (code, month): SnapshotValue(numerator, denominator)
        for code, month, numerator, denominator in Snapshot.objects.filter(
            org_unit=unit, indicator__in=[i.code for i in indicators], month__gte=first
        ).values_list("indicator", "month", "numerator", "denominator")
    }
    result = []
    for indicator in indicators:
        values = []
        for month in window:
            found = stored.get((indicator.code, month.start))
            values.append(found.figure(indicator).value if found else None)
        result.append(Series(indicator, window, values))
    return result


def snapshot_list_for(
    user: User, *, unit: OrgUnit, first: dt.date, last: dt.date, codes: Sequence[str] = ()
) -> QuerySet[Snapshot]:
    if not visibility.may(user, Action.VIEW_ASSESSMENT, unit):
        raise NotFound(_("No such union unit."))
    rows = Snapshot.objects.filter(org_unit=unit, month__gte=first.replace(day=1), month__lte=last).select_related(
        "org_unit"
    )
    if codes:
        rows = rows.filter(indicator__in=list(codes))
    return rows.order_by("month", "indicator")


# --- work plans and tasks --------------------------------------------------------------------------


def work_plan_list_for(user: User, *, year: int | None = None) -> QuerySet[WorkPlan]:
    plans = WorkPlan.objects.select_related("org_unit").prefetch_related(
        Prefetch("tasks", queryset=WorkTask.objects.select_related("owner").order_by("deadline", "pk"))
    )
    if not may_view(user):
        return plans.none()
    plans = visibility.scope(user, plans, unit="org_unit")
    return (plans.filter(year=year) if year else plans).order_by("org_unit__path", "-year")


def work_plan_get_for(user: User, pk: Any) -> WorkPlan:
    plan = work_plan_list_for(user).filter(pk=int_pk(pk)).first()
    if plan is None:
        raise NotFound(_("No such work plan."))
    return plan


def task_get_for(user: User, pk: Any) -> WorkTask:
    """A task its owner may always open; others within the plan's reach."""
    task = WorkTask.objects.select_related("plan__org_unit", "owner").filter(pk=int_pk(pk)).first()
    if task is None or not (
        task.owner_id == user.pk or visibility.may(user, Action.VIEW_ASSESSMENT, task.plan.org_unit)
    ):
        raise NotFound(_("No such task."))
    return task


def my_tasks(user: User) -> QuerySet[WorkTask]:
    """The owner's list: open tasks first, the overdue ones at the top (earliest deadline first)."""
    if not user.is_authenticated:
        return WorkTask.objects.none()
    return (
        WorkTask.objects.filter(owner=user)
        .select_related("plan__org_unit")
        .order_by("status", "deadline", "pk")
        .exclude(status=WorkTask.Status.CANCELLED)
    )


def overdue_tasks(*, today: dt.date | None = None) -> QuerySet[WorkTask]:
    """Every open task past its deadline (for the owners' lists and, later, reminders)."""
    return WorkTask.objects.filter(status__in=WorkTask.OPEN, deadline__lt=today or timezone.localdate())


def task_owner_choices_for(plan: WorkPlan) -> QuerySet[User]:
    units = OrgUnit.objects.filter(path__startswith=plan.org_unit.path)
    return User.objects.filter(is_active=True, role__in=[Role.ORGANIZER, Role.HELPER], org_unit__in=units).order_by(
        "org_unit__path", "full_name"
    )


# --- the yearly review worklist (复核) -----------------------------------------------------------------


def review_worklist_for(
    user: User, *, year: int, unit: OrgUnit | None = None, status: str = "todo"
) -> QuerySet[Household]:
    """Active households in reach with this year's review (``review_outcome``, ``reviewed_on``)
    annotated; ``status``: "todo", "done" or "" for all."""
    if not visibility.may(user, Action.REVIEW_HOUSEHOLDS) and not may_view(user):
        return Household.objects.none()
    households = visibility.scope(user, Household.objects.filter(state=Household.State.ACTIVE), unit="org_unit")
    if unit is not None:
        households = households.filter(org_unit__path__startswith=unit.path)
    reviews = HouseholdReview.objects.filter(household=OuterRef("pk"), year=year)
    households = households.annotate(
        review_outcome=Subquery(reviews.values("outcome")[:1]),
        reviewed_on=Subquery(reviews.values("reviewed_on")[:1]),
        reviewed=Exists(reviews),
    )
    if status == "todo":
        households = households.filter(reviewed=False)
    elif status == "done":
        households = households.filter(reviewed=True)
    return households.select_related("org_unit").order_by("org_unit__path", "number")


def review_units(user: User, unit: OrgUnit, year: int) -> engine.Table:
    """The review's completion (``reviews_done``) for the unit and each unit below it."""
    indicator = registry.get("reviews_done")
    assert indicator is not None
    if not visibility.may(user, Action.VIEW_ASSESSMENT, unit) and not visibility.may(
        user, Action.REVIEW_HOUSEHOLDS, unit
    ):
        raise NotFound(_("No such union unit."))
    return engine.evaluate([indicator], Period.year(year), tops=[unit])


def household_for_review(user: User, pk: Any) -> Household:
    household = (
        visibility.scope(user, Household.objects.all(), unit="org_unit")
        .select_related("org_unit")
        .filter(pk=int_pk(pk))
        .first()
    )
    if household is None or not visibility.may(user, Action.REVIEW_HOUSEHOLDS):
        raise NotFound(_("No such household."))
    return household
