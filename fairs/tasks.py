"""Celery tasks: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from accounts.models import User
from fairs import services
from fairs.models import Booth, JobFair


@shared_task(name="fairs.reschedule")
def reschedule(fair_id: int, by_id: int, reason: str) -> int | None:
    """Re-optimise a fair's schedule after a cancellation or new slots, keeping confirmed interviews.
    Running it twice gives the same schedule; a fair that lost its booths meanwhile is left alone."""
    fair = JobFair.objects.filter(pk=fair_id).first()
    by = User.objects.filter(pk=by_id).first()
    if fair is None or by is None or not fair.booths.filter(status=Booth.Status.APPROVED).exists():
        return None
    return services.fair_schedule(fair=fair, by=by, reason=reason, _authorised=True).pk
