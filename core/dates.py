"""Dates people enter. The archive, the ledger and the plan hold nothing before 1900, and a date
near the year 9999 overflows the moment a service adds a month to it (a 500), so services check
the dates they are given here and refuse the rest with a clear message."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.errors import InvalidInput

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)


def check_date(day: dt.date | None, *, field: str) -> dt.date | None:
    """``day`` when it lies between 1900 and 2100, else ``InvalidInput`` on ``field``."""
    if day is None:
        return None
    if day < EARLIEST:
        raise InvalidInput(_("Dates before 1900 are not accepted."), field=field)
    if day > LATEST:
        raise InvalidInput(_("Dates after 2100 are not accepted."), field=field)
    return day
