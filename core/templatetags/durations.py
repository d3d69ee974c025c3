"""``{{ when|ago:now }}``: how long ago, as people say it ("9个月1周前", "9 months, 1 week ago").

Django's ``timesince`` speaks Chinese as "9 月、1 周", which reads as "September, week 1"; the
units here are the spoken ones and the separator is the language's own (none in Chinese)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext_lazy, pgettext

register = template.Library()

# Lazy plurals (translated when used); timesince's annotation says plain str.
TIME_STRINGS: dict[str, Any] = {
    "year": ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    "month": ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    "week": ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    "day": ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    "hour": ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    "minute": ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
}


@register.filter
def ago(value: dt.datetime | dt.date | None, now: dt.datetime | None = None) -> str:
    if not value:
        return ""
    parts = timesince(value, now, time_strings=TIME_STRINGS, depth=2).split(gettext(", "))
    # In Chinese the parts follow each other with nothing between (a word joiner: an empty
    # translation would mean "not translated").
    duration = pgettext("between the parts of a duration", ", ").join(parts)
    return pgettext("a duration", "%(duration)s ago") % {"duration": duration}
