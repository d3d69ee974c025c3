"""What 一户一档 tells the people who run it, and its reminders (visits, plan reviews, goals and
measures falling due). Staff kinds go out as one daily digest on the outside channels."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from notifications.registry import STAFF, Kind, register, reminder

EXIT_WAITING = register(
    Kind(
        code="exit.waiting",
        label=_("Exit requests waiting for my approval"),
        title=_("Household %(household)s asks to exit hardship: waiting for your decision"),
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)
EXIT_DECIDED = register(
    Kind(
        code="exit.decided",
        label=_("Decisions on exit requests"),
        title=_("Exit of household %(household)s: %(verdict)s"),
        body="%(note)s",
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
        labels={"verdict": {"approved": _("approved"), "rejected": _("refused")}},
    )
)
VISITS_DUE = register(
    Kind(
        code="visits.due",
        label=_("Visits due this week"),
        title=_("%(count)s household visits are due by %(until)s"),
        body="%(households)s",
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)
PLAN_REVIEW = register(
    Kind(
        code="plan.review",
        label=_("Relief plans to review"),
        title=_("The relief plan of household %(household)s is to be reviewed on %(day)s"),
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)
PLAN_ITEMS_DUE = register(
    Kind(
        code="plan.items_due",
        label=_("Plan goals and measures falling due"),
        title=_("Household %(household)s: %(count)s goals and measures due by %(until)s"),
        body="%(items)s",
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)


@reminder("households.visits_due")
def _visits(today: dt.date) -> int:
    from households import reminders

    return reminders.visits_due_send(today=today)


@reminder("households.plans_due")
def _plans(today: dt.date) -> int:
    from households import reminders

    return reminders.plan_reminders_send(today=today)
