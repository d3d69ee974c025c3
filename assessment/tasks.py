"""Celery tasks of the assessment: thin wrappers around ``services``, idempotent."""

from __future__ import annotations

from celery import shared_task

from assessment import services
from assessment.models import Snapshot
from assessment.periods import last_closed_month, parse_month


@shared_task(name="assessment.snapshot_month")
def snapshot_month(month: str) -> int:
    """Take (or take again) the month-end snapshot of ``month`` ("2026-03") for the whole tree."""
    return services.snapshot_month(period=parse_month(month))


@shared_task(name="assessment.snapshot_last_month")
def snapshot_last_month() -> int:
    """On the beat, daily: the month that has just ended, once. Daily rather than on the 1st, so a
    day the workers were down is caught up the next; a month already taken is left as it was."""
    period = last_closed_month()
    if Snapshot.objects.filter(month=period.start).exists():
        return 0
    return services.snapshot_month(period=period)
