"""Celery tasks: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from notifications import delivery, services


@shared_task(name="notifications.deliver")
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    """Send these outbox rows (those still waiting). Safe to run twice: rows are claimed."""
    return dict(delivery.deliver(delivery_ids))


@shared_task(name="notifications.sweep")
def sweep() -> dict[str, int]:
    """Every minute: re-queue rows waiting past their time, settle rows a killed worker left."""
    return delivery.sweep()


@shared_task(name="notifications.send_reminders")
def send_reminders() -> dict[str, int]:
    """Daily: every app's reminders from due dates (idempotent: keys)."""
    return services.reminders_send()


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    """Daily: one message per staff member for the day's items of digest kinds."""
    return services.digests_send()
