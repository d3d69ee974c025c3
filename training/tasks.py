"""Celery tasks of 技能培训: thin wrappers around ``reports``, idempotent."""

from __future__ import annotations

from celery import shared_task

from training import reports


@shared_task(name="training.refresh_reports")
def refresh_reports() -> int:
    """On the beat: every unit's coverage and demand figures counted again for the pages."""
    return reports.refresh_all()
