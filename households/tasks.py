"""Celery tasks: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from households import importing, services


@shared_task(name="households.import_archive")
def import_archive(job_id: int) -> str:
    """Run (or resume, or report) an import job; safe to deliver twice (``importing.import_run``).
    Acknowledged after it ran and handed back when its process dies (``web/settings.py``)."""
    job = importing.import_run(job_id)
    return str(job.status)


@shared_task(name="households.sweep_imports", ignore_result=True)
def sweep_imports() -> dict[str, list[int]]:
    """Beat: re-queue import jobs whose worker died, give up those that died too often."""
    result = importing.import_sweep()
    return {"requeued": result.requeued, "failed": result.failed}


@shared_task(name="households.end_finished_follow_ups")
def end_finished_follow_ups() -> int:
    return services.follow_up_end()


@shared_task(name="households.apply_phrase_mapping")
def apply_phrase_mapping(mapping_id: int) -> int:
    return services.apply_phrase_mapping(mapping_id=mapping_id)
