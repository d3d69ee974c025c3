"""创业援助: ventures funded, money lent, jobs created, repayment rate."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from assessment.periods import Period
from assessment.registry import Group, Measure, MeasureUnit, Over, Ratio, register
from jobs.models import Placement
from ventures.models import Instalment, Loan

DISBURSED = (Loan.State.ACTIVE, Loan.State.REPAID, Loan.State.WRITTEN_OFF)  # as the portfolio counts them
UNIT = "venture__org_unit"


def _loans_paid_out(period: Period) -> Q:
    return Q(state__in=DISBURSED, disbursed_on__range=(period.start, period.end))


@register(
    "ventures_funded",
    zh="获得创业贷款的项目",
    en="Ventures funded",
    unit=MeasureUnit.VENTURES,
    over=Over.FLOW,
    group=Group.VENTURES,
    description_zh="期内发放贷款（无息或贴息）的创业项目数。",
    description_en="Ventures whose loan (interest-free or subsidised) was paid out in the period.",
)
def ventures_funded(period: Period) -> Measure:
    return Measure(Loan.objects.all(), UNIT, Count("pk", filter=_loans_paid_out(period)))


@register(
    "venture_loans_disbursed",
    zh="创业贷款发放金额",
    en="Venture loans paid out",
    unit=MeasureUnit.YUAN,
    over=Over.FLOW,
    group=Group.VENTURES,
    description_zh="期内发放的创业贷款本金。",
    description_en="Principal of the venture loans paid out in the period.",
)
def venture_loans_disbursed(period: Period) -> Measure:
    return Measure(Loan.objects.all(), UNIT, Sum("principal", filter=_loans_paid_out(period)))


@register(
    "venture_jobs_created",
    zh="创业带动就业人数",
    en="Jobs created by ventures",
    unit=MeasureUnit.PEOPLE,
    over=Over.FLOW,
    group=Group.VENTURES,
    description_zh="期内在受援创业项目上岗的人数（按创业项目所属单位统计）。",
    description_en="Hires that started in the period at the ventures' businesses, at the venture's unit.",
)
def venture_jobs_created(period: Period) -> Measure:
    hires = Placement.objects.filter(employer__ventures__isnull=False, start_date__range=(period.start, period.end))
    return Measure(hires, "employer__ventures__org_unit", Count("pk", distinct=True))


@register(
    "loan_repayment_rate",
    zh="创业贷款还款率",
    en="Loan repayment rate",
    unit=MeasureUnit.PERCENT,
    over=Over.FLOW,
    group=Group.VENTURES,
    ratio=True,
    description_zh="期内到期的还款额中已归还的比例。",
    description_en="Of the instalments that fell due in the period, the share of the amount repaid.",
)
def loan_repayment_rate(period: Period) -> Ratio:
    due = Instalment.objects.filter(loan__state__in=DISBURSED, due_on__range=(period.start, period.as_of))
    unit = "loan__venture__org_unit"
    return Ratio(Measure(due, unit, Sum("paid")), Measure(due, unit, Sum("amount")))
