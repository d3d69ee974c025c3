"""Celery tasks: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from households import importing, services


@shared_task(name="households.import_archive", acks_late=True)
def import_archive(job_id: int) -> str:
    job = importing.import_run(job_id)
    return job.status


@shared_task(name="households.end_finished_follow_ups")
def end_finished_follow_ups() -> int:
    return services.follow_up_end()


@shared_task(name="households.apply_phrase_mapping")
def apply_phrase_mapping(mapping_id: int) -> int:
    return services.apply_phrase_mapping(mapping_id=mapping_id)
