"""帮扶资金: fund use against budget, over all purposes and per purpose (the ledger's spending legs
charged to the year's budgets, over the budgets' amounts, both at the budget's unit)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum

from assessment.periods import Period, day_start
from assessment.registry import Group, Measure, MeasureUnit, Over, Ratio, register
from funds.ledger import SPENDING
from funds.models import Budget, LedgerEntry
from funds.purposes import PURPOSES


def _fund_use(period: Period, purpose: str | None) -> Ratio:
    years = (period.start.year, period.end.year)
    spent = Q(
        transaction__budget__year__range=years,
        transaction__created_at__lt=day_start(period.as_of + dt.timedelta(days=1)),
    )
    budgets = Q(year__range=years)
    if purpose is not None:
        spent &= Q(transaction__budget__purpose__code=purpose)
        budgets &= Q(purpose__code=purpose)
    entries = LedgerEntry.objects.filter(account__kind__in=SPENDING, transaction__budget__isnull=False)
    return Ratio(
        Measure(entries, "transaction__budget__org_unit", Sum("amount", filter=spent)),
        Measure(Budget.objects.all(), "org_unit", Sum("amount", filter=budgets)),
    )


@register(
    "fund_use",
    zh="帮扶资金使用率",
    en="Relief funds used against budget",
    unit=MeasureUnit.PERCENT,
    over=Over.STOCK,
    group=Group.FUNDS,
    ratio=True,
    description_zh="本年度预算截至期末已使用的比例（按预算所属单位）。",
    description_en="Share of the year's budgets spent by the period's end (at the budget's unit).",
)
def fund_use(period: Period) -> Ratio:
    return _fund_use(period, None)


def _purpose_indicator(code: str, name_zh: str, name_en: str) -> None:
    def compute(period: Period) -> Ratio:
        return _fund_use(period, code)

    register(
        f"fund_use_{code}",
        zh=f"资金使用率：{name_zh}",
        en=f"Funds used against budget: {name_en}",
        unit=MeasureUnit.PERCENT,
        over=Over.STOCK,
        group=Group.FUNDS,
        ratio=True,
        description_zh=f"“{name_zh}”本年度预算截至期末已使用的比例。",
        description_en=f"Share of the year's {name_en} budgets spent by the period's end.",
    )(compute)


for _code, _zh, _en, _cap, _order in PURPOSES:
    _purpose_indicator(_code, _zh, _en.split(" (")[0])
