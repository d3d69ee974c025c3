"""Periods an indicator is computed for: a year, a month, or any run of whole months.

A flow (exits, placements) counts what happened between ``start`` and ``end``; a stock (households
active, coverage) is read on ``as_of``: the period's last day, or today while the period is still
running (a day in the future has no data yet, and "overdue" must not look ahead)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput

FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def months_between(cls, first: dt.date, last: dt.date) -> Period:
        """From the first day of ``first``'s month to the last day of ``last``'s."""
        return cls(first.replace(day=1), cls.month(last.year, last.month).end)

    @property
    def as_of(self) -> dt.date:
        return min(self.end, timezone.localdate())

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self == Period.month(self.start.year, self.start.month)

    @property
    def is_year(self) -> bool:
        return self == Period.year(self.start.year)

    @property
    def has_ended(self) -> bool:
        return self.end < timezone.localdate()

    def months(self) -> list[Period]:
        """The whole months of the period, in order."""
        result, day = [], self.start.replace(day=1)
        while day <= self.end:
            result.append(Period.month(day.year, day.month))
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return result

    @property
    def key(self) -> str:
        if self.is_year:
            return f"{self.start.year}"
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m}..{self.end:%Y-%m}"

    @property
    def label(self) -> str:
        if self.is_year:
            return _("%(year)s") % {"year": self.start.year}
        if self.is_month:
            return _("%(year)s-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        return _("%(first)s to %(last)s") % {"first": f"{self.start:%Y-%m}", "last": f"{self.end:%Y-%m}"}

    def __str__(self) -> str:
        return self.key


def parse_year(value: object, *, field: str = "year", default: int | None = None) -> int:
    """A year from outside (a query string, a form, a spreadsheet): four digits in a sane range."""
    text = str(value).strip() if value is not None else ""
    if not text and default is not None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) == 4) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise InvalidInput(_("Give the year as four digits, e.g. 2026."), field=field)
    return int(text)


def parse_month(value: object, *, field: str = "month") -> Period:
    """ "2026-03" as that month's period."""
    text = str(value).strip() if value is not None else ""
    try:
        day = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise InvalidInput(_("Give the month as YYYY-MM, e.g. 2026-03."), field=field) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(_("Give the month as YYYY-MM, e.g. 2026-03."), field=field)
    return Period.month(day.year, day.month)


def last_closed_month(today: dt.date | None = None) -> Period:
    """The latest month that has ended: the one a month-end snapshot is taken for."""
    day = (today or timezone.localdate()).replace(day=1) - dt.timedelta(days=1)
    return Period.month(day.year, day.month)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the service's time zone (for timestamp columns)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
