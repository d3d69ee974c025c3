"""What matching tells workers: new jobs that suit them, at most once a day."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from notifications.registry import WORKERS, Kind, register, reminder

NEW_MATCHES = register(
    Kind(
        code="matches.new",
        label=_("New jobs that suit me (at most daily)"),
        title=_("%(count)s new jobs suit you, such as %(best)s"),
        audience=WORKERS,
        channels=(Channel.WECHAT,),
        params=("count", "best"),
    )
)


@reminder("matching.new_matches")
def _new_matches(today: dt.date) -> int:
    from matching import services

    return services.new_match_alerts_send(today=today)
