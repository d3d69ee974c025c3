"""The notifications app's own kinds: the staff daily digest and the daily delivery report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from notifications.models import Channel
from notifications.registry import EVERYONE, Kind, register

DIGEST = register(
    Kind(
        code="digest.daily",
        label=_("Daily digest"),
        title=_("Today: %(count)s items wait for you (%(summary)s)"),
        audience=EVERYONE,
        channels=(Channel.EMAIL, Channel.WECHAT),
        params=("count",),
    )
)

DELIVERY_REPORT = register(
    Kind(
        code="delivery.report",
        label=_("Daily report of messages sent"),
        title=_("Yesterday: %(sent)s messages sent, %(failed)s failed, %(skipped)s not sent"),
        audience=frozenset({Role.AUDITOR, Role.ORGANIZER}),
        channels=(Channel.EMAIL,),
        params=("sent", "failed", "skipped"),
    )
)
