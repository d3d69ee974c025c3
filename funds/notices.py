"""What the fund ledger tells people: a payment request waiting for its checker."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from notifications.registry import STAFF, Kind, register

PAYMENT_WAITING = register(
    Kind(
        code="payment.waiting",
        label=_("Payment requests waiting for my approval"),
        title=_("Payment request %(amount)s to %(payee)s is waiting for your approval"),
        audience=STAFF,
        channels=(Channel.EMAIL,),
        digest=True,
    )
)
