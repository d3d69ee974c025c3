"""What 招聘会 tells people, and its reminders (the day before a fair; the yearly graduate fair)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from notifications.registry import EMPLOYERS, STAFF, WORKERS, Kind, register, reminder

INTERVIEWS = register(
    Kind(
        code="fair.interviews",
        label=_("Interviews at job fairs"),
        title=_("%(fair)s on %(day)s: your interviews %(times)s"),
        body=_("Bring your check-in code. %(changes)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("fair", "day", "times"),
    )
)
INTERVIEWS_TOMORROW = register(
    Kind(
        code="fair.interviews_tomorrow",
        label=_("Interviews tomorrow"),
        title=_("Tomorrow at %(fair)s (%(venue)s): interviews %(times)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("fair", "venue", "times"),
    )
)
BOOTH = register(
    Kind(
        code="fair.booth",
        label=_("Booth applications"),
        title=_("Booth at %(fair)s: %(verdict)s %(code)s"),
        body="%(note)s",
        audience=EMPLOYERS,
        channels=(Channel.SMS, Channel.EMAIL),
        params=("fair", "verdict", "code"),
        labels={"verdict": {"approved": _("approved, booth"), "refused": _("not approved")}},
    )
)
FAIR_TOMORROW = register(
    Kind(
        code="fair.tomorrow",
        label=_("Fair tomorrow"),
        title=_("%(fair)s is tomorrow at %(venue)s; your booth is %(code)s"),
        audience=EMPLOYERS,
        channels=(Channel.SMS, Channel.EMAIL),
        params=("fair", "venue", "code"),
    )
)
GRADUATE_FAIR_MISSING = register(
    Kind(
        code="fair.graduate_missing",
        label=_("Units without their yearly graduate fair"),
        title=_("%(unit)s has no graduate job fair in %(year)s yet"),
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)


@reminder("fairs.tomorrow")
def _tomorrow(today: dt.date) -> int:
    from fairs import services

    return services.tomorrow_reminders_send(today=today)


@reminder("fairs.graduate_fair_missing")
def _graduate_fair(today: dt.date) -> int:
    from fairs import services

    return services.graduate_fair_reminders_send(today=today)
