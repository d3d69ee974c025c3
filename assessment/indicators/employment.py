"""阳光就业: placements and their 6-month retention, graduates placed, employment services by kind,
graduate fairs held."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from assessment.periods import Period
from assessment.registry import Group, Measure, MeasureUnit, Over, Ratio, register
from fairs.models import Attendee, JobFair
from jobs.models import EmploymentService, Placement, RetentionCheck

HOUSEHOLD_UNIT = "member__household__org_unit"
# A hire counts as a graduate's when it starts within this many years of graduating (as the
# placements page counts "recent graduates").
GRADUATE_YEARS = 2
RETENTION_MONTHS = 6


def _placements(aggregate_filter: Q) -> Measure:
    return Measure(Placement.objects.all(), HOUSEHOLD_UNIT, Count("pk", filter=aggregate_filter))


@register(
    "placements",
    zh="就业安置人数",
    en="People placed in work",
    unit=MeasureUnit.PEOPLE,
    over=Over.FLOW,
    group=Group.EMPLOYMENT,
    description_zh="期内开始上岗的就业安置（按家庭所属单位统计）。",
    description_en="Hires that started in the period, counted at the household's unit.",
)
def placements(period: Period) -> Measure:
    return _placements(Q(start_date__range=(period.start, period.end)))


@register(
    "graduates_placed",
    zh="困难家庭高校毕业生就业",
    en="Graduates from archived households placed",
    unit=MeasureUnit.PEOPLE,
    over=Over.FLOW,
    group=Group.EMPLOYMENT,
    description_zh="期内上岗、毕业两年内的困难家庭子女。",
    description_en="Hires in the period of members within two years of graduating.",
)
def graduates_placed(period: Period) -> Measure:
    recent = Q(member__graduation_year__isnull=False) & Q(
        member__graduation_year__gte=ExtractYear("start_date") - GRADUATE_YEARS
    )
    return _placements(Q(start_date__range=(period.start, period.end)) & recent)


@register(
    "placement_retention_6m",
    zh="就业6个月稳岗率",
    en="Still in work after 6 months",
    unit=MeasureUnit.PERCENT,
    over=Over.FLOW,
    group=Group.EMPLOYMENT,
    ratio=True,
    description_zh="期内到期并已完成的6个月回访中，仍在岗（含换工作）的比例。",
    description_en="Of the 6-month follow-ups due in the period and recorded, the share still working (any job).",
)
def placement_retention_6m(period: Period) -> Ratio:
    checks = RetentionCheck.objects.filter(
        months=RETENTION_MONTHS, due_on__range=(period.start, period.as_of), done_on__isnull=False
    )
    unit = "placement__member__household__org_unit"
    working = Q(outcome__in=[RetentionCheck.Outcome.STILL_EMPLOYED, RetentionCheck.Outcome.CHANGED_JOB])
    return Ratio(Measure(checks, unit, Count("pk", filter=working)), Measure(checks, unit, Count("pk")))


def _service_indicator(kind: EmploymentService.Kind, code: str, zh: str, en: str) -> None:
    def compute(period: Period) -> Measure:
        return Measure(
            EmploymentService.objects.all(),
            HOUSEHOLD_UNIT,
            Count("pk", filter=Q(kind=kind, held_on__range=(period.start, period.end))),
        )

    register(
        code,
        zh=zh,
        en=en,
        unit=MeasureUnit.TIMES,
        over=Over.FLOW,
        group=Group.EMPLOYMENT,
        description_zh="期内提供的服务人次。",
        description_en="Services given in the period.",
    )(compute)


_service_indicator(EmploymentService.Kind.COUNSELLING, "services_counselling", "职业指导", "Career counselling")
_service_indicator(
    EmploymentService.Kind.JOB_INTRODUCTION, "services_job_introduction", "职业介绍", "Job introductions"
)
_service_indicator(EmploymentService.Kind.LEGAL_AID, "services_legal_aid", "法律援助", "Legal aid")
_service_indicator(
    EmploymentService.Kind.TRAINING_REFERRAL, "services_training_referral", "推荐参加培训", "Referrals to training"
)


@register(
    "graduate_fairs_held",
    zh="高校毕业生专场招聘会",
    en="Graduate job fairs held",
    unit=MeasureUnit.EVENTS,
    over=Over.FLOW,
    group=Group.EMPLOYMENT,
    description_zh="期内已举办（结束日期已过且有人签到）的毕业生专场招聘会，按主办单位统计。",
    description_en="Graduate fairs that ended in the period with attendees checked in (held, not only scheduled).",
)
def graduate_fairs_held(period: Period) -> Measure:
    # Held means over: a fair still running today is counted once its last day has passed.
    last_day = min(period.end, timezone.localdate() - dt.timedelta(days=1))
    checked_in = Attendee.objects.filter(fair=OuterRef("pk"), checked_in_at__isnull=False)
    fairs = JobFair.objects.filter(kind=JobFair.Kind.GRADUATE).exclude(state=JobFair.State.DRAFT)
    return Measure(
        fairs.filter(ends_on__range=(period.start, last_day)).filter(Exists(checked_in)), "org_unit", Count("pk")
    )
