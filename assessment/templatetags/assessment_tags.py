"""Showing figures: counts with thousands separators, yuan with two decimals, percents with a % sign;
a ratio with nothing to divide shows "–"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

from assessment.engine import Figure
from assessment.registry import Indicator, MeasureUnit

register = template.Library()


def show(value: Decimal | int | None, indicator: Indicator | None) -> str:
    if value is None:
        return "–"
    value = Decimal(value)  # a sum over no rows is the integer 0
    if indicator is not None and indicator.unit == MeasureUnit.PERCENT:
        return f"{number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)}%"
    if indicator is not None and indicator.unit == MeasureUnit.YUAN:
        return f"¥{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)}"
    decimals = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def figure(value: Figure | None) -> str:
    return show(value.value, value.indicator) if value is not None else "–"


@register.filter
def in_unit(value: Decimal | int | None, indicator: Indicator | None) -> str:
    """A target or an actual in its indicator's unit."""
    return show(value, indicator)


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{number_format(value, decimal_pos=1, use_l10n=True)}%"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def plain(value: Any) -> Any:
    """A table cell of a chart: numbers as shown, empty as "–"."""
    if value is None:
        return "–"
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        decimals = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral_value() else 2
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return value
