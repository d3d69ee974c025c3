"""技能培训促就业: the plan's "one skill" target (every member able to work masters at least one
certified skill), its coverage, and certificates issued.

Who counts as able to work is the training app's rule (``training.selectors.capable_q``: current
members of active households, of working age, with full or partial capacity), read as the skills
coverage page reads it for today; a past day applies the same rule to that day (household active
then, member living there then, age then, a certified skill recorded by then)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from assessment.indicators.households import active_on
from assessment.periods import Period, day_start
from assessment.registry import Group, Measure, MeasureUnit, Over, Ratio, register
from households.models import Member, MemberSkill
from training.models import Certificate
from training.selectors import WORKING_AGE, capable_q

UNIT = "household__org_unit"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def capable_on(day: dt.date) -> Q:
    if day >= timezone.localdate():
        return capable_q(day)
    age = Q()
    for sex, (low, high) in WORKING_AGE.items():
        age |= Q(sex=sex, birth_date__lte=_years_before(day, low), birth_date__gt=_years_before(day, high + 1))
    living_there = Q(is_current=True) | Q(left_on__gt=day)
    able = Q(work_capacity__in=[Member.WorkCapacity.FULL, Member.WorkCapacity.PARTIAL])
    return living_there & able & age & active_on(day, prefix="household__")


def certified_by(day: dt.date) -> Q:
    # ``pk IN (subquery)``, not a correlated EXISTS: the skills are read once, not once per member.
    skills = MemberSkill.objects.filter(certified=True)
    if day >= timezone.localdate():
        return Q(pk__in=skills.values("member_id"))
    recorded = skills.filter(created_at__lt=day_start(day + dt.timedelta(days=1))).values("member_id")
    issued = Certificate.objects.filter(issued_on__lte=day).values("member_id")
    return Q(pk__in=recorded) | Q(pk__in=issued)


def _capable(day: dt.date, aggregate_filter: Q | None = None) -> Measure:
    return Measure(Member.objects.filter(capable_on(day)), UNIT, Count("pk", filter=aggregate_filter))


@register(
    "capable_certified",
    zh="有一技之长（持证）人数",
    en="Capable members with a certified skill",
    unit=MeasureUnit.PEOPLE,
    over=Over.STOCK,
    group=Group.TRAINING,
    description_zh="有劳动能力的家庭成员中，至少掌握一项持证技能的人数。",
    description_en="Members able to work who hold at least one certified skill.",
)
def capable_certified(period: Period) -> Measure:
    return _capable(period.as_of, certified_by(period.as_of))


@register(
    "one_skill_coverage",
    zh="一技之长覆盖率",
    en="One-skill coverage",
    unit=MeasureUnit.PERCENT,
    over=Over.STOCK,
    group=Group.TRAINING,
    ratio=True,
    description_zh="有劳动能力的家庭成员中，至少掌握一项持证技能的比例（规划目标：人人掌握一技之长）。",
    description_en="Share of members able to work who hold at least one certified skill (the plan's target).",
)
def one_skill_coverage(period: Period) -> Ratio:
    day = period.as_of
    return Ratio(_capable(day, certified_by(day)), _capable(day))


@register(
    "certificates_issued",
    zh="培训结业取证人数",
    en="Training certificates issued",
    unit=MeasureUnit.PEOPLE,
    over=Over.FLOW,
    group=Group.TRAINING,
    description_zh="期内培训结业并取得证书的人次。",
    description_en="Certificates issued in the period after passed training.",
)
def certificates_issued(period: Period) -> Measure:
    return Measure(
        Certificate.objects.filter(issued_on__range=(period.start, period.end)), "member__household__org_unit"
    )
