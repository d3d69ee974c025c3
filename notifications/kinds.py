"""The notifications app's own kind: the staff daily digest."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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
