"""Celery tasks: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from ventures import services


@shared_task(name="ventures.mark_overdue")
def mark_overdue() -> int:
    """Daily (beat): mark instalments past their day as overdue and alert the helpers, once each."""
    return services.mark_overdue()
