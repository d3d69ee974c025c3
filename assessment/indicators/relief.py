"""Relief received per track (帮扶救助), read from the fund ledger's purposes.

Until the relief tracks (``relief/``) exist, "received per track" is the relief the ledger shows
given, per purpose: the legs on the funds' expense accounts (cash grants, goods in kind, written-off
loans; reversals subtract), by the unit that served the payee, in the period.

Where the tracks' own indicators go: in this module, one registered function each, reading the
tracks' models (``relief.<track>.models``) with ``Measure``/``Ratio`` like the others: relief
received per track from the tracks' approved payments (replacing ``relief_<purpose>`` below where a
track covers a purpose), the 应保尽保 gap (households eligible for 低保 and not receiving it) and the
mutual-aid cover gap (members of active households without 职工医疗互助 cover)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum

from assessment.periods import Period, day_start
from assessment.registry import Group, Measure, MeasureUnit, Over, register
from funds.models import Account, LedgerEntry
from funds.purposes import PURPOSES


def _relief_indicator(code: str, name_zh: str, name_en: str) -> None:
    def compute(period: Period) -> Measure:
        given = Q(
            account__purpose__code=code,
            transaction__created_at__gte=day_start(period.start),
            transaction__created_at__lt=day_start(period.end + dt.timedelta(days=1)),
        )
        entries = LedgerEntry.objects.filter(account__kind=Account.Kind.EXPENSE)
        return Measure(entries, "transaction__org_unit", Sum("amount", filter=given))

    register(
        f"relief_{code}",
        zh=f"帮扶发放：{name_zh}",
        en=f"Relief given: {name_en}",
        unit=MeasureUnit.YUAN,
        over=Over.FLOW,
        group=Group.RELIEF,
        description_zh=f"期内“{name_zh}”发放的资金和物资（按服务对象所在单位，冲销后）。",
        description_en=f"{name_en} given in the period (cash and in kind, net of reversals), at the payee's unit.",
    )(compute)


for _code, _zh, _en, _cap, _order in PURPOSES:
    _relief_indicator(_code, _zh, _en.split(" (")[0])
