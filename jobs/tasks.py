"""Celery tasks: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from jobs import services


@shared_task(name="jobs.expire_postings")
def expire_postings() -> int:
    return services.postings_expire()
