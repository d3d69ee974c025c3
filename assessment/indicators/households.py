"""一户一档: households active, new, exited, returned; without a helper; visits overdue; plan goals
met on time; the yearly review done.

The present is read from the fields the services keep (a household's ``state``, its
``next_visit_due``), exactly as the archive's own pages count it.

Conditions on related records are written as ``pk IN (subquery)``, never as a correlated EXISTS:
the database then reads the related table once (a hashed subplan) instead of probing it for each of
100,000 households. A past day (a month-end snapshot
taken late, a past year) is rebuilt from the dates on the records: activated, exited, returned,
closed, pairings' start and end, visits. A household that exited, returned and exited again keeps
only its last exit date, so a past day between its first exit and its return reads as active: the
monthly snapshots, taken when each month ends, are what keeps such a month exactly as it was.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.utils import timezone

from assessment.models import HouseholdReview
from assessment.periods import Period
from assessment.registry import Better, Group, Measure, MeasureUnit, Over, Ratio, register
from households.models import Household, Pairing, PlanGoal, Visit

# A new archive owes its first visit within this many days (``households.services.household_activate``).
FIRST_VISIT_DAYS = 30
UNIT = "org_unit"


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Households in the active archive on ``day``."""
    p = prefix
    if day >= timezone.localdate():
        return Q(**{f"{p}state": Household.State.ACTIVE})
    exited_then = Q(**{f"{p}exited_on__lte": day}) & ~Q(
        **{f"{p}reentered_on__lte": day, f"{p}reentered_on__gte": F(f"{p}exited_on")}
    )
    open_then = Q(**{f"{p}closed_on__isnull": True}) | Q(**{f"{p}closed_on__gt": day})
    return Q(**{f"{p}activated_on__lte": day}) & open_then & ~exited_then


def _households(aggregate_filter: Q) -> Measure:
    # Every household indicator counts over the same records, so the engine asks once for all of them.
    return Measure(Household.objects.all(), UNIT, Count("pk", filter=aggregate_filter))


@register(
    "households_active",
    zh="在档困难职工家庭",
    en="Households in the archive (active)",
    unit=MeasureUnit.HOUSEHOLDS,
    over=Over.STOCK,
    group=Group.HOUSEHOLDS,
    description_zh="期末（或今天）处于帮扶中的家庭户数。",
    description_en="Households being helped at the period's end (or today).",
)
def households_active(period: Period) -> Measure:
    return _households(active_on(period.as_of))


@register(
    "households_new",
    zh="新建档家庭",
    en="Households newly archived",
    unit=MeasureUnit.HOUSEHOLDS,
    over=Over.FLOW,
    group=Group.HOUSEHOLDS,
    description_zh="期内建档并开始帮扶的家庭户数。",
    description_en="Households whose archive was activated in the period.",
)
def households_new(period: Period) -> Measure:
    return _households(Q(activated_on__range=(period.start, period.end)))


@register(
    "households_exited",
    zh="脱困家庭",
    en="Households that left hardship",
    unit=MeasureUnit.HOUSEHOLDS,
    over=Over.FLOW,
    group=Group.HOUSEHOLDS,
    description_zh="期内经上级批准脱困的家庭户数。",
    description_en="Households whose exit from hardship was approved in the period.",
)
def households_exited(period: Period) -> Measure:
    return _households(Q(exited_on__range=(period.start, period.end)))


@register(
    "households_returned",
    zh="返困家庭",
    en="Households back in hardship",
    unit=MeasureUnit.HOUSEHOLDS,
    over=Over.FLOW,
    group=Group.HOUSEHOLDS,
    better=Better.LOWER,
    description_zh="期内脱困后又返困的家庭户数。",
    description_en="Households that had exited and fell back into hardship in the period.",
)
def households_returned(period: Period) -> Measure:
    return _households(Q(reentered_on__range=(period.start, period.end)))


@register(
    "households_without_helper",
    zh="未落实帮扶责任人家庭",
    en="Active households without a helper",
    unit=MeasureUnit.HOUSEHOLDS,
    over=Over.STOCK,
    group=Group.HOUSEHOLDS,
    better=Better.LOWER,
    description_zh="期末在档但没有帮扶责任人（一帮一）的家庭户数。",
    description_en="Active households with no responsible helper on the period's last day.",
)
def households_without_helper(period: Period) -> Measure:
    day = period.as_of
    paired = Pairing.objects.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    return _households(active_on(day) & ~Q(pk__in=paired.values("household_id")))


@register(
    "visits_overdue",
    zh="走访逾期家庭",
    en="Active households with a visit overdue",
    unit=MeasureUnit.HOUSEHOLDS,
    over=Over.STOCK,
    group=Group.HOUSEHOLDS,
    better=Better.LOWER,
    description_zh="期末在档、应走访日期已过仍未走访的家庭户数。",
    description_en="Active households whose next visit was due before the period's last day.",
)
def visits_overdue(period: Period) -> Measure:
    day = period.as_of
    if day >= timezone.localdate():
        return _households(active_on(day) & Q(next_visit_due__lt=day))
    # On a past day: no visit made by then had the next one due on that day or later; a household
    # never visited is overdue once its first month is over.
    made = Visit.objects.filter(visited_on__lte=day)
    covered = Q(pk__in=made.filter(next_visit_due__gte=day).values("household_id"))
    visited = Q(pk__in=made.values("household_id"))
    first_month_over = Q(activated_on__lt=day - dt.timedelta(days=FIRST_VISIT_DAYS))
    return _households(active_on(day) & ~covered & (visited | first_month_over))


@register(
    "plan_goals_on_time",
    zh="帮扶计划目标按期完成率",
    en="Plan goals met on time",
    unit=MeasureUnit.PERCENT,
    over=Over.FLOW,
    group=Group.HOUSEHOLDS,
    ratio=True,
    description_zh="期内到期的帮扶计划目标中，在到期日前完成的比例。",
    description_en="Of the relief-plan goals due in the period, the share met by their due date.",
)
def plan_goals_on_time(period: Period) -> Ratio:
    due = PlanGoal.objects.filter(due_on__range=(period.start, period.as_of))
    unit = "plan__household__org_unit"
    on_time = Q(status=PlanGoal.Status.MET, met_on__lte=F("due_on"))
    return Ratio(Measure(due, unit, Count("pk", filter=on_time)), Measure(due, unit, Count("pk")))


@register(
    "reviews_done",
    zh="年度复核完成率",
    en="Yearly review done",
    unit=MeasureUnit.PERCENT,
    over=Over.STOCK,
    group=Group.HOUSEHOLDS,
    ratio=True,
    description_zh="期末在档家庭中，本年度已完成复核（是否仍符合条件、致困原因、收入、帮扶计划）的比例。",
    description_en="Of the active households, the share reviewed this year (still eligible, causes, income, plan).",
)
def reviews_done(period: Period) -> Ratio:
    day = period.as_of
    reviewed = HouseholdReview.objects.filter(year=day.year, reviewed_on__lte=day).values("household_id")
    active = active_on(day)
    return Ratio(_households(active & Q(pk__in=reviewed)), _households(active))
