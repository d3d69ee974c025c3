"""A throw-away kind for the notification tests, and small helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from notifications import registry
from notifications.models import Channel, Delivery

TEST_KIND = "test.reminder"


@contextmanager
def throwaway_kind(*, urgent: bool = False, channels: tuple[str, ...] = (Channel.SMS,)) -> Iterator[registry.Kind]:
    kind = registry.register(
        registry.Kind(
            code=TEST_KIND,
            label="Test reminders",
            title="Interview at %(employer)s at %(time)s",
            audience=registry.EVERYONE,
            channels=channels,
            urgent=urgent,
            params=("employer", "time"),
        )
    )
    try:
        yield kind
    finally:
        registry.unregister(TEST_KIND)


def local(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware moment ``day_offset`` days from today, at the given local time."""
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def states(**filters: object) -> list[tuple[str, str, str]]:
    return list(Delivery.objects.filter(**filters).order_by("pk").values_list("channel", "state", "reason"))
