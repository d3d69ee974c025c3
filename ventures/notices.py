"""What 创业援助 tells people, and its reminder (an instalment falling due)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from notifications.registry import STAFF, WORKERS, Kind, register, reminder

DECIDED = register(
    Kind(
        code="venture.decided",
        label=_("Decisions on my business application"),
        title=_("Your application for %(business)s: %(verdict)s"),
        body="%(note)s",
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("business", "verdict"),
        labels={"verdict": {"approved": _("approved"), "refused": _("not approved")}},
    )
)
INSTALMENT_DUE = register(
    Kind(
        code="loan.instalment_due",
        label=_("Loan instalments falling due"),
        title=_("Loan instalment %(number)s of %(amount)s is due on %(due)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("number", "amount", "due"),
    )
)
INSTALMENT_OVERDUE = register(
    Kind(
        code="loan.instalment_overdue",
        label=_("Overdue loan instalments"),
        title=_("Loan instalment %(number)s (%(amount)s, due %(due)s) is overdue"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("number", "amount", "due"),
    )
)
OVERDUE_FOR_HELPER = register(
    Kind(
        code="loan.overdue_helper",
        label=_("Overdue repayments of my households"),
        title=_("%(member)s: loan instalment %(number)s (%(amount)s) is overdue"),
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)


@reminder("ventures.instalments_due")
def _instalments_due(today: dt.date) -> int:
    from ventures import services

    return services.due_reminders_send(today=today)
