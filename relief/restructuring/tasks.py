"""Celery tasks of restructuring layoffs: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from relief.restructuring import services

PLACED = "relief.restructuring.worker_placed"


@shared_task(name=PLACED)
def worker_placed(placement_id: int) -> int:
    """A hire through jobs committed (``jobs/hired.py``): close the placed worker's open layoff
    path as re-employed. A second run finds the path closed and does nothing."""
    return len(services.worker_placed(placement_id=placement_id))
