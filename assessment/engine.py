"""Computing indicators for every unit of a tree at once.

``evaluate`` asks each indicator what to count for the period, puts together the measures that
count over the same records (every household indicator reads the households once), and rolls each
set up the unit tree with ``accounts.rollup``: one statement per kind of record, whatever the
number of units or households. A figure is a numerator (a count, or an amount in fen) and, for a
ratio, a denominator: each is a sum over the unit's subtree, and the ratio is divided last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from accounts.models import OrgUnit
from accounts.rollup import Source, rollup_sources, units_under
from assessment.periods import Period
from assessment.registry import Indicator, Measure, MeasureUnit, Ratio

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    numerator: int
    denominator: int | None = None  # ratios only

    @property
    def value(self) -> Decimal | None:
        """The figure in the indicator's unit as people read it: a count, yuan (2 decimals), or a
        percent (2 decimals); ``None`` for a ratio with nothing to divide by."""
        return display_value(self.indicator, self.numerator, self.denominator)


def display_value(indicator: Indicator, numerator: int | Decimal, denominator: int | Decimal | None) -> Decimal | None:
    if indicator.is_ratio:
        if not denominator:
            return None
        return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)
    if indicator.unit == MeasureUnit.YUAN:
        return (Decimal(numerator) / HUNDRED).quantize(CENT)
    return Decimal(numerator)


@dataclass
class Table:
    """Figures of ``indicators`` for each of ``units`` over ``period``: over the unit's subtree,
    and over its own records."""

    period: Period
    indicators: list[Indicator]
    units: list[OrgUnit]
    _total: dict[int, dict[str, tuple[int, int | None]]]
    _own: dict[int, dict[str, tuple[int, int | None]]]

    def figure(self, unit: OrgUnit | int, code: str, *, own: bool = False) -> Figure:
        pk = unit if isinstance(unit, int) else unit.pk
        indicator = next(i for i in self.indicators if i.code == code)
        numerator, denominator = (self._own if own else self._total)[pk][code]
        return Figure(indicator, numerator, denominator)

    def figures(self, unit: OrgUnit | int, *, own: bool = False) -> list[Figure]:
        return [self.figure(unit, i.code, own=own) for i in self.indicators]

    def children(self, unit: OrgUnit) -> list[OrgUnit]:
        return [u for u in self.units if u.parent_id == unit.pk]


def _key(measure: Measure) -> tuple[str, str, str]:
    """Measures over the same records (same model, same filters, same unit lookup) are counted in
    one statement."""
    query = measure.queryset.query
    sql = "<empty>" if query.is_empty() else str(query)
    return (measure.queryset.model._meta.label, measure.unit, sql)


def evaluate(
    indicators: Sequence[Indicator],
    period: Period,
    *,
    tops: Sequence[OrgUnit] | None = None,
    units: Sequence[OrgUnit] | None = None,
) -> Table:
    """Every indicator for every unit of the tops' subtrees (the whole tree for ``None``)."""
    table_units = list(units) if units is not None else units_under(tops)
    groups: dict[tuple[str, str, str], tuple[Measure, dict[str, Any]]] = {}
    parts: dict[str, tuple[str, str | None]] = {}
    for indicator in indicators:
        result = indicator.measures(period)
        pieces = [("n", result.numerator), ("d", result.denominator)] if isinstance(result, Ratio) else [("n", result)]
        names: dict[str, str] = {}
        for part, measure in pieces:
            name = f"{indicator.code}__{part}"
            names[part] = name
            groups.setdefault(_key(measure), (measure, {}))[1][name] = measure.aggregate
        parts[indicator.code] = (names["n"], names.get("d"))
    sources = [Source(measure.queryset, measure.unit, aggregates) for measure, aggregates in groups.values()]
    rolled = rollup_sources(sources, units=table_units, tops=tops)

    def pick(values: dict[str, Any], code: str) -> tuple[int, int | None]:
        numerator, denominator = parts[code]
        return int(values.get(numerator, 0)), (int(values.get(denominator, 0)) if denominator else None)

    total: dict[int, dict[str, tuple[int, int | None]]] = {}
    own: dict[int, dict[str, tuple[int, int | None]]] = {}
    for row in rolled.rows:
        total[row.unit.pk] = {i.code: pick(row.total, i.code) for i in indicators}
        own[row.unit.pk] = {i.code: pick(row.own, i.code) for i in indicators}
    return Table(period=period, indicators=list(indicators), units=table_units, _total=total, _own=own)


def evaluate_unit(indicators: Sequence[Indicator], period: Period, unit: OrgUnit) -> Table:
    """The unit's subtree only (its figures, and its children's)."""
    return evaluate(indicators, period, tops=[unit])
