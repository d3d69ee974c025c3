"""What 技能培训促就业 tells people, and its reminder (a cohort about to start)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from notifications.registry import WORKERS, Kind, register, reminder

SEAT = register(
    Kind(
        code="training.seat",
        label=_("Training places"),
        title=_("%(course)s from %(starts)s: %(how)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("course", "starts", "how"),
        labels={
            "how": {
                "enrolled": _("you have a seat"),
                "waiting": _("you are on the waiting list"),
                "promoted": _("a seat freed up and it is yours"),
            }
        },
    )
)
STARTS = register(
    Kind(
        code="training.starts",
        label=_("Course about to start"),
        title=_("%(course)s starts on %(starts)s at %(venue)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("course", "starts", "venue"),
    )
)
CERTIFICATE = register(
    Kind(
        code="training.certificate",
        label=_("Certificates"),
        title=_("Certificate %(number)s for %(course)s: your skills are now certified"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("course", "number"),
    )
)


@reminder("training.cohorts_starting")
def _cohorts_starting(today: dt.date) -> int:
    from training import services

    return services.start_reminders_send(today=today)
