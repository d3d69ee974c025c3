"""Celery tasks: thin, idempotent wrappers around ``matching.services``. Lower layers enqueue them by
name on commit (``core.tasks.enqueue_on_commit``), so they never import this app."""

from __future__ import annotations

from celery import shared_task

from matching import services


@shared_task(name="matching.refresh_posting")
def refresh_posting(posting_id: int) -> int:
    return services.refresh_posting(posting_id)


@shared_task(name="matching.refresh_member")
def refresh_member(member_id: int) -> int:
    return services.refresh_member(member_id)


@shared_task(name="matching.refresh_members")
def refresh_members(member_ids: list[int]) -> int:
    return services.refresh_members(member_ids)


@shared_task(name="matching.rematch_all")
def rematch_all() -> int:
    return services.rematch_all()


@shared_task(name="matching.rematch_chunk")
def rematch_chunk(member_ids: list[int], thresholds: list[list[float]] | None = None) -> int:
    return services.rematch_chunk(member_ids, thresholds)


@shared_task(name="matching.match_imported")
def match_imported(member_ids: list[int]) -> int:
    return services.match_imported(member_ids)


@shared_task(name="matching.rematch_run_chunk")
def rematch_run_chunk(chunk_id: int) -> int:
    """One chunk of the nightly run; handed back to the queue if its worker dies, and safe to
    deliver twice (a finished chunk is left alone)."""
    return services.rematch_run_chunk(chunk_id)


@shared_task(name="matching.rematch_run_part")
def rematch_run_part(part_id: int) -> int:
    """Some postings' thresholds, the nightly run's first phase; the last part sends the chunks.
    Handed back to the queue if its worker dies, and safe to deliver twice."""
    return services.rematch_run_part(part_id)


@shared_task(name="matching.sweep_rematch", ignore_result=True)
def sweep_rematch() -> int:
    """Beat: send again the threshold parts and chunks of a running re-match that nobody is running."""
    swept = services.rematch_sweep()
    return len(swept.parts) + len(swept.chunks)
