"""The indicator registry (考核指标): every figure the assessment reads, registered once, in code.

An indicator is data plus one function. The data: a code, Chinese and English names, the unit of
measure, whether it adds up the tree (a count) or is a ratio, how months make a longer period (a
flow is summed, a stock is read at the end), and which direction is better. The function takes a
``Period`` and says *what to count*, not *for whom*: it returns a ``Measure`` (records, the lookup
to the union unit holding each, an additive aggregate) or, for a ratio, a numerator and a
denominator ``Measure``. The engine (``assessment.engine``) rolls every measure up the unit tree in
one statement per kind of record, so an indicator is right for every unit's subtree without
knowing about units, and a ratio is always its summed numerator over its summed denominator.

Adding an indicator is one decorated function in a module of ``assessment.indicators``::

    @register("visits_made", zh="走访次数", en="Visits made", unit=MeasureUnit.TIMES, over=Over.FLOW,
              group=Group.HOUSEHOLDS)
    def visits_made(period: Period) -> Measure:
        return Measure(Visit.objects.filter(visited_on__range=(period.start, period.end)),
                       unit="household__org_unit")

A second entry with a code already taken is refused at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Aggregate, Count, QuerySet, TextChoices
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessment.periods import Period


class MeasureUnit(TextChoices):
    """What an indicator's value counts. Money is computed in fen and shown in yuan; a ratio is
    computed as a share and shown (and targeted) in percent."""

    HOUSEHOLDS = "households", _("households")
    PEOPLE = "people", _("people")
    TIMES = "times", _("times")
    EVENTS = "events", _("events")
    VENTURES = "ventures", _("ventures")
    YUAN = "yuan", _("yuan")
    PERCENT = "percent", _("%")


class Over(StrEnum):
    """How the months of a longer period make its value (reports built from monthly snapshots)."""

    FLOW = "flow"  # what happened in the period: the months add up
    STOCK = "stock"  # a state on a day: the value at the period's end


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"  # households without a helper, visits overdue: a target is a ceiling


class Group(TextChoices):
    HOUSEHOLDS = "households", _("Household archive (一户一档)")
    EMPLOYMENT = "employment", _("Sunshine Employment (阳光就业)")
    TRAINING = "training", _("Skills training (技能培训)")
    VENTURES = "ventures", _("Entrepreneurship aid (创业援助)")
    FUNDS = "funds", _("Relief funds (帮扶资金)")
    RELIEF = "relief", _("Relief received (帮扶救助)")


@dataclass(frozen=True)
class Measure:
    """Records to count: ``unit`` is the lookup from them to the ``OrgUnit`` holding each one;
    ``aggregate`` is additive (``Count`` or ``Sum``, with an optional ``filter=``)."""

    queryset: QuerySet[Any]
    unit: str
    aggregate: Aggregate = field(default_factory=lambda: Count("pk"))


@dataclass(frozen=True)
class Ratio:
    """A ratio is never averaged over units or months: its numerator and denominator are each
    summed, and divided at the end."""

    numerator: Measure
    denominator: Measure


Compute = Callable[[Period], Measure | Ratio]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: MeasureUnit
    over: Over
    group: Group
    compute: Compute
    better: Better = Better.HIGHER
    is_ratio: bool = False
    description_zh: str = ""
    description_en: str = ""
    order: int = 0

    @property
    def adds_up(self) -> bool:
        """Counts and amounts add up the tree; a ratio does not (its parts do)."""
        return not self.is_ratio

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def description(self) -> str:
        return self.description_en if (get_language() or "").startswith("en") else self.description_zh

    @property
    def lower_is_better(self) -> bool:
        return self.better == Better.LOWER

    def measures(self, period: Period) -> Measure | Ratio:
        result = self.compute(period)
        if self.is_ratio != isinstance(result, Ratio):
            kind = "a Ratio" if self.is_ratio else "a Measure"
            raise TypeError(f"Indicator {self.code!r} must return {kind}.")
        return result

    def __str__(self) -> str:
        return self.name


_REGISTRY: dict[str, Indicator] = {}


def register(
    code: str,
    *,
    zh: str,
    en: str,
    unit: MeasureUnit,
    over: Over,
    group: Group,
    better: Better = Better.HIGHER,
    ratio: bool = False,
    description_zh: str = "",
    description_en: str = "",
) -> Callable[[Compute], Compute]:
    """Register the decorated function as the indicator ``code`` (see the module docstring)."""

    def decorator(compute: Compute) -> Compute:
        add(
            Indicator(
                code=code,
                name_zh=zh,
                name_en=en,
                unit=MeasureUnit.PERCENT if ratio else unit,
                over=over,
                group=group,
                compute=compute,
                better=better,
                is_ratio=ratio,
                description_zh=description_zh,
                description_en=description_en,
                order=len(_REGISTRY),
            )
        )
        return compute

    return decorator


def add(indicator: Indicator) -> Indicator:
    if indicator.code in _REGISTRY:
        raise ValueError(f"The indicator code {indicator.code!r} is registered twice.")
    if not indicator.code.isidentifier() or len(indicator.code) > 48:
        raise ValueError(f"An indicator code is a short identifier, not {indicator.code!r}.")
    _REGISTRY[indicator.code] = indicator
    return indicator


def remove(code: str) -> None:
    _REGISTRY.pop(code, None)


@contextmanager
def registered(indicator: Indicator) -> Iterator[Indicator]:
    """An indicator that exists only inside the ``with`` block (tests prove the plug-in shape)."""
    add(indicator)
    try:
        yield indicator
    finally:
        remove(indicator.code)


def indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (list(Group.values).index(i.group), i.order))


def get(code: str) -> Indicator | None:
    return _REGISTRY.get(code)


def codes() -> list[str]:
    return [i.code for i in indicators()]
