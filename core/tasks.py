from __future__ import annotations

from celery import shared_task

from core.maintenance import analyze_database


@shared_task(name="core.analyze_database")
def analyze() -> None:
    analyze_database()
