"""What 阳光就业 tells people (the notification kinds of this app)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from jobs.models import Application
from notifications.models import Channel
from notifications.registry import EMPLOYERS, WORKERS, Kind, register, reminder

VERDICTS = {"approved": _("approved"), "refused": _("not approved")}

APPLICATION_NEW = register(
    Kind(
        code="application.new",
        label=_("New applicants"),
        title=_("%(member)s applied for %(posting)s"),
        audience=EMPLOYERS,
        channels=(Channel.WECHAT, Channel.EMAIL),
        params=("member", "posting"),
    )
)
APPLICATION_INVITED = register(
    Kind(
        code="application.invited",
        label=_("Invitations from employers"),
        title=_("%(employer)s invites you to apply for %(posting)s"),
        body=_("Accept to apply with your profile, or decline. %(message)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("employer", "posting"),
    )
)
APPLICATION_STATE = register(
    Kind(
        code="application.state",
        label=_("Progress of my applications"),
        title=_("Your application for %(posting)s: %(state)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
        params=("posting", "state"),
        labels={"state": dict(Application.State.choices)},
    )
)
APPLICATION_VIEWED = register(
    Kind(
        code="application.viewed",
        label=_("An employer read my application"),
        title=_("%(employer)s has read your application for %(posting)s"),
        audience=WORKERS,
        channels=(),
    )
)
EMPLOYER_VERIFIED = register(
    Kind(
        code="employer.verification",
        label=_("Verification of our company"),
        title=_("Verification of %(employer)s: %(verdict)s"),
        body="%(note)s",
        audience=EMPLOYERS,
        channels=(Channel.SMS, Channel.EMAIL),
        params=("employer", "verdict"),
        labels={"verdict": VERDICTS},
    )
)
POSTING_REVIEWED = register(
    Kind(
        code="posting.review",
        label=_("Review of our postings"),
        title=_("Your posting %(posting)s: %(verdict)s"),
        body="%(note)s",
        audience=EMPLOYERS,
        channels=(Channel.WECHAT, Channel.EMAIL),
        params=("posting", "verdict"),
        labels={"verdict": {"approved": _("published"), "refused": _("sent back for changes")}},
    )
)
APPLICANTS_WAITING = register(
    Kind(
        code="application.waiting",
        label=_("Applicants waiting for our answer"),
        title=_("%(count)s applicants have waited over %(days)s days for your answer"),
        audience=EMPLOYERS,
        channels=(Channel.WECHAT, Channel.EMAIL),
        params=("count", "days"),
    )
)


@reminder("jobs.applicants_waiting")
def _applicants_waiting(today: dt.date) -> int:
    from jobs import services

    return services.waiting_applicants_remind(today=today)
