"""Celery tasks of the relief tracks: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from relief import case_services


@shared_task(name="relief.cases_stalled")
def cases_stalled() -> int:
    """Tell each helper which of their cases passed the next-action date (also run daily by
    ``notifications.send_reminders``; the notification keys make a second run send nothing)."""
    return case_services.cases_stalled_send()
