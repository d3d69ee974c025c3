"""The dashboard's charts as data: what ECharts draws (``static/assessment/charts.js``) and the table
of the same numbers shown beside each chart (and instead of it without JavaScript, or on request)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from assessment import registry
from assessment.selectors import Series, UnitFigures
from funds.purposes import PURPOSES


@dataclass
class Chart:
    id: str
    title: str
    spec: dict[str, Any]
    head: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trend(series: Sequence[Series], *, chart_id: str = "trend") -> Chart:
    """The first series (a stock: households in the archive) as a line on the left scale; the others
    (flows: exits a month) as bars on a right-hand scale of their own, or they would lie flat at the
    bottom of the first's."""
    months = [m.key for m in series[0].months] if series else []
    unit = series[0].indicator.unit.label if series else ""
    chart = Chart(
        id=chart_id,
        title=_("Households in the archive and households that left hardship, by month"),
        spec={
            "type": "line",
            "categories": months,
            "unit": str(unit),
            "unit2": str(unit),
            "series": [
                {
                    "name": s.indicator.name,
                    "data": [_number(v) for v in s.values],
                    "type": "line" if index == 0 else "bar",
                    "axis": 0 if index == 0 else 1,
                }
                for index, s in enumerate(series)
            ],
        },
        head=[_("Month"), *(s.indicator.name for s in series)],
        note=_("From the month-end snapshots; a month without a snapshot is left empty."),
    )
    for index, month in enumerate(months):
        chart.rows.append([month, *(s.values[index] for s in series)])
    return chart


def targets_against_actuals(figures: UnitFigures, code: str, *, chart_id: str = "targets") -> Chart | None:
    indicator = registry.get(code)
    if indicator is None:
        return None
    names = [c.unit.name for c in figures.children]
    targets = [c.targets.get(code) for c in figures.children]
    actuals = [c.figures[code].value for c in figures.children]
    chart = Chart(
        id=chart_id,
        title=_("%(indicator)s: target and actual by unit, %(period)s")
        % {"indicator": indicator.name, "period": figures.period.label},
        spec={
            "type": "bar",
            "categories": names,
            "unit": str(indicator.unit.label),
            "percent": indicator.is_ratio,
            "series": [
                {"name": _("Target"), "data": [_number(v) for v in targets]},
                {"name": _("Actual"), "data": [_number(v) for v in actuals]},
            ],
        },
        head=[_("Union unit"), _("Target"), _("Actual")],
    )
    chart.rows = [[n, t, a] for n, t, a in zip(names, targets, actuals, strict=True)]
    return chart


def coverage_by_unit(figures: UnitFigures, *, chart_id: str = "coverage") -> Chart | None:
    coverage = registry.get("one_skill_coverage")
    if coverage is None:
        return None
    rows = [(figures.unit.name, figures.table.figure(figures.unit, coverage.code))]
    rows += [(c.unit.name, c.figures[coverage.code]) for c in figures.children]
    chart = Chart(
        id=chart_id,
        title=_("One-skill coverage by unit (members able to work with a certified skill)"),
        spec={
            "type": "bar",
            "categories": [name for name, _f in rows],
            "unit": "%",
            "percent": True,
            "series": [{"name": coverage.name, "data": [_number(f.value) for _n, f in rows]}],
        },
        head=[_("Union unit"), _("Certified"), _("Able to work"), coverage.name],
    )
    chart.rows = [[name, f.numerator, f.denominator, f.value] for name, f in rows]
    return chart


def fund_use_by_purpose(figures: UnitFigures, *, chart_id: str = "funds") -> Chart:
    purposes = []
    for code, name_zh, name_en, _cap, _order in PURPOSES:
        indicator = registry.get(f"fund_use_{code}")
        if indicator is None:
            continue
        figure = figures.table.figure(figures.unit, indicator.code)
        if not figure.denominator and not figure.numerator:
            continue
        label = name_en.split(" (")[0] if indicator.name == indicator.name_en else name_zh
        purposes.append((label, Decimal(figure.denominator or 0) / 100, Decimal(figure.numerator) / 100, figure.value))
    chart = Chart(
        id=chart_id,
        title=_("Relief funds by purpose: budget and used, %(period)s") % {"period": figures.period.label},
        spec={
            "type": "bar",
            "categories": [p[0] for p in purposes],
            "unit": _("yuan"),
            "series": [
                {"name": _("Budget"), "data": [float(p[1]) for p in purposes]},
                {"name": _("Used"), "data": [float(p[2]) for p in purposes]},
            ],
        },
        head=[_("Purpose"), _("Budget (yuan)"), _("Used (yuan)"), _("Used (%)")],
    )
    chart.rows = [[p[0], p[1].quantize(Decimal("0.01")), p[2].quantize(Decimal("0.01")), p[3]] for p in purposes]
    return chart
