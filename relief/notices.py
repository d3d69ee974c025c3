"""What the relief cases tell the staff who follow them: a case whose next action is overdue
(daily, through the notifications reminders; once per case and due date)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from notifications.registry import STAFF, Kind, register, reminder

CASE_STALLED = register(
    Kind(
        code="case.stalled",
        label=_("Relief cases past their next action"),
        title=_("Case of household %(household)s is overdue since %(due)s: %(action)s"),
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)


@reminder("relief.cases_stalled")
def _stalled(today: dt.date) -> int:
    from relief import case_services

    return case_services.cases_stalled_send(today=today)
