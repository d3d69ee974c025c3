"""The nightly re-match's first phase: the postings' thresholds ranked in parts that any worker takes
(``services.rematch_run_part``). The last part to finish assembles the run's thresholds and sends the
seeker chunks; the sweeper sends again what a dead worker or the broker left undone.

Here the broker is Celery's boundary (``apply_async``), recorded or made to fail, and the workers are
the test calling the tasks' services one by one; the real round trip is tests/matching/test_tasks.py
(eager) and tests/reliability/test_rematch_kills.py (real workers on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from households.models import Member
from jobs.models import JobPosting
from matching import services
from matching.models import Match, RematchChunk, RematchRun, RematchThresholdPart
from tests.matching.world import Broker, broker, fresh_market, region, whole

pytestmark = pytest.mark.django_db
__all__ = ["broker", "fresh_market", "region"]

PART, CHUNK = "matching.rematch_run_part", "matching.rematch_run_chunk"


def parts(run: RematchRun) -> list[int]:
    return list(run.threshold_parts.order_by("index").values_list("pk", flat=True))


def test_the_parts_assembled_are_the_thresholds_of_one_process(region: list[Member], eager_tasks: Any) -> None:
    expected = whole()
    overall, among = [row[1] for row in expected], [row[2] for row in expected]
    assert len(set(overall) - {0}) < len([s for s in overall if s]), "equal thresholds: ties were cut"
    assert any(among) and among != overall, "the consenting lists differ from the overall ones"

    assert services.rematch_all(chunk_size=5) == 3

    run = RematchRun.objects.get()
    assert run.part_count == run.threshold_parts.count() > 3
    assert set(run.threshold_parts.values_list("state", flat=True)) == {RematchChunk.State.DONE}
    assert run.thresholds == expected
    assert run.state == RematchRun.State.DONE
    assert sorted(pk for part in run.threshold_parts.values_list("posting_ids", flat=True) for pk in part) == [
        row[0] for row in expected
    ]


def test_the_chunks_are_sent_only_by_the_last_part(region: list[Member], broker: Broker) -> None:
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    assert broker.of(PART) == parts(run) and not broker.of(CHUNK)

    *first, last = parts(run)
    for pk in first:
        services.rematch_run_part(pk)
        services.rematch_run_part(pk)  # delivered twice: nothing more
    run.refresh_from_db()
    assert run.thresholds_at is None and not broker.of(CHUNK)
    assert services.rematch_sweep(stale_after=0) == services.Swept(parts=[last], chunks=[])

    services.rematch_run_part(last)
    run.refresh_from_db()
    assert run.thresholds == whole()
    assert broker.of(CHUNK) == list(run.chunks.order_by("index").values_list("pk", flat=True))
    assert RematchThresholdPart.objects.get(pk=last).attempts == 1


def test_a_failed_part_is_sent_again_by_the_sweeper_and_then_the_run_goes_on(
    region: list[Member], broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    failing, *others = parts(run)
    real = services.posting_thresholds
    monkeypatch.setattr(services, "posting_thresholds", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    with pytest.raises(MemoryError):
        services.rematch_run_part(failing)
    monkeypatch.setattr(services, "posting_thresholds", real)
    for pk in others:
        services.rematch_run_part(pk)
    assert not broker.of(CHUNK), "no chunk without every part's thresholds"

    assert services.rematch_sweep(stale_after=0).parts == [failing]
    assert broker.of(PART).count(failing) == 2
    services.rematch_run_part(failing)

    run.refresh_from_db()
    assert run.thresholds == whole() and len(broker.of(CHUNK)) == run.chunk_count
    assert RematchThresholdPart.objects.get(pk=failing).attempts == 2
    for pk in broker.of(CHUNK):
        services.rematch_run_chunk(pk)
    run.refresh_from_db()
    assert run.state == RematchRun.State.DONE


def test_a_part_failing_every_attempt_ends_the_run_without_its_chunks(
    region: list[Member], broker: Broker, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REMATCH_MAX_ATTEMPTS = 1
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    failing, *others = parts(run)
    real = services.posting_thresholds
    monkeypatch.setattr(services, "posting_thresholds", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    with pytest.raises(MemoryError):
        services.rematch_run_part(failing)
    monkeypatch.setattr(services, "posting_thresholds", real)

    assert services.rematch_run_part(failing) == 0  # the next delivery: over its attempts
    assert RematchThresholdPart.objects.get(pk=failing).state == RematchChunk.State.FAILED
    run.refresh_from_db()
    assert run.state == RematchRun.State.INCOMPLETE and run.finished_at is not None
    for pk in others:
        assert services.rematch_run_part(pk) == 0
    assert not broker.of(CHUNK) and services.rematch_sweep(stale_after=0) == services.Swept([], [])


def test_chunks_the_broker_did_not_take_are_sent_by_the_sweeper(region: list[Member], broker: Broker) -> None:
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    *first, last = parts(run)
    for pk in first:
        services.rematch_run_part(pk)
    broker.down = True
    services.rematch_run_part(last)  # the thresholds are assembled and kept; the chunks are not sent
    broker.down = False
    run.refresh_from_db()
    assert run.thresholds_at is not None and not broker.of(CHUNK)
    chunks = list(run.chunks.order_by("index").values_list("pk", flat=True))

    assert services.rematch_sweep() == services.Swept([], []), "not yet: they wait from the assembling"
    assert services.rematch_sweep(stale_after=0) == services.Swept(parts=[], chunks=chunks)
    for pk in broker.of(CHUNK):
        services.rematch_run_chunk(pk)
    run.refresh_from_db()
    assert run.state == RematchRun.State.DONE


def test_a_superseded_runs_parts_do_nothing(region: list[Member], broker: Broker) -> None:
    services.rematch_all(chunk_size=5)
    old = RematchRun.objects.get()
    services.rematch_all(chunk_size=5)
    old.refresh_from_db()
    assert old.state == RematchRun.State.SUPERSEDED

    for pk in parts(old):
        assert services.rematch_run_part(pk) == 0
    old.refresh_from_db()
    assert old.thresholds_at is None and old.thresholds == []
    assert set(old.threshold_parts.values_list("attempts", "state")) == {(0, RematchChunk.State.PENDING)}
    assert not broker.of(CHUNK)
    new = RematchRun.objects.exclude(pk=old.pk).get()
    assert services.rematch_sweep(stale_after=0).parts == parts(new)


def test_a_run_without_postings_sends_its_chunks_at_once(region: list[Member], broker: Broker) -> None:
    JobPosting.objects.update(state=JobPosting.State.WITHDRAWN)
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    assert run.part_count == 0 and run.thresholds == [] and run.thresholds_at is not None
    assert broker.of(CHUNK) == list(run.chunks.order_by("index").values_list("pk", flat=True))


def test_the_admin_shows_a_runs_parts_and_chunks(
    region: list[Member], broker: Broker, client: Any, people: Any
) -> None:
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    services.rematch_run_part(parts(run)[0])
    client.force_login(people.root)

    listed = client.get(reverse("admin:matching_rematchrun_changelist"))
    page = client.get(reverse("admin:matching_rematchrun_change", args=[run.pk]))

    assert listed.status_code == page.status_code == 200
    text = page.content.decode()
    assert text.count("threshold_parts-") >= run.part_count and text.count("chunks-") >= run.chunk_count


def test_a_chunk_is_marked_done_with_its_count_in_the_transaction_that_writes_its_rows(
    region: list[Member], broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    for pk in parts(run):
        services.rematch_run_part(pk)
    chunk = run.chunks.order_by("index").first()
    assert chunk is not None
    seen: list[tuple[str, int]] = []
    keep_up = services.statistics_keep_up

    def right_after_the_commit(written: int, *args: Any) -> None:
        # What another chunk closing the run (or the worker killed) would find at this moment.
        seen.append(RematchChunk.objects.filter(pk=chunk.pk).values_list("state", "written").get())
        keep_up(written, *args)

    monkeypatch.setattr(services, "statistics_keep_up", right_after_the_commit)
    written = services.rematch_run_chunk(chunk.pk)
    assert written == Match.objects.filter(member_id__in=chunk.member_ids).count() > 0
    assert seen[-1] == (RematchChunk.State.DONE, written), "done, but its rows not counted yet"
