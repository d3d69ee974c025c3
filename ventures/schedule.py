"""Repayment schedules in whole fen: pure arithmetic, no Django.

Two kinds, both of ``term`` monthly instalments after ``grace`` months without any instalment
(and without interest: the product's interest-free months):

* interest-free (a zero rate): the principal in equal parts. No rate is ever divided by, so a zero
  rate is the ordinary case here, not an edge (a zero-interest loan once crashed Frappe Lending's
  schedule through exactly that division);
* with interest: equal instalments of principal and interest by the annuity formula
  ``A = P·r / (1 − (1 + r)^−n)`` with the monthly rate ``r`` = annual rate / 12, computed in
  ``Decimal`` and rounded to the fen; each month's interest is the outstanding principal × r.

Rounding never loses or invents a fen: every instalment but the last is rounded, and the last one
takes the remainder, so the principal parts sum exactly to the principal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Rates are held in basis points per year (1 bp = 0.01%): 435 bp is 4.35%.
BP = Decimal(10_000)


@dataclass(frozen=True)
class Line:
    number: int
    due_on: dt.date
    principal: int
    interest: int

    @property
    def amount(self) -> int:
        return self.principal + self.interest


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover: day 28 exists in every month


def _fen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def build(*, principal: int, annual_rate_bp: int, term: int, grace: int, start: dt.date) -> list[Line]:
    """The schedule of a loan of ``principal`` fen paid out on ``start``."""
    if principal <= 0:
        raise ValueError("principal must be positive")
    if term <= 0:
        raise ValueError("term must be at least one month")
    if grace < 0 or annual_rate_bp < 0:
        raise ValueError("grace and rate cannot be negative")
    dues = [add_months(start, grace + n) for n in range(1, term + 1)]
    if annual_rate_bp == 0:
        part = principal // term
        parts = [part] * (term - 1) + [principal - part * (term - 1)]
        return [Line(n + 1, dues[n], parts[n], 0) for n in range(term)]
    rate = Decimal(annual_rate_bp) / BP / 12
    annuity = Decimal(principal) * rate / (1 - (1 + rate) ** -term)
    payment = _fen(annuity)
    lines: list[Line] = []
    left = principal
    for n in range(term):
        interest = _fen(Decimal(left) * rate)
        # The last instalment takes the rounding remainder.
        part = left if n == term - 1 else min(max(payment - interest, 0), left)
        lines.append(Line(n + 1, dues[n], part, interest))
        left -= part
    return lines
