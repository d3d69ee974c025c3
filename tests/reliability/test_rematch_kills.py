"""Finding 4: a re-match chunk whose worker is killed.

The nightly re-match is cut into chunks of seekers, one Celery task each. Before the fix a chunk
whose pool child was killed was acknowledged and gone, and its seekers kept stale matches until the
next night. Now the run records its chunks, a chunk's rows and its "done" commit together, a chunk
whose process dies goes back to the queue, and the sweeper sends again a chunk whose whole worker
died. Each test seeds every seeker with a stale match and checks that none is left."""

from __future__ import annotations

import os
import random
import signal
from typing import Any

from django.utils import timezone

from core.db import lease_is_free
from households.models import Household, Member, MemberSkill
from jobs.models import PostingSkill
from matching import services
from matching.models import Match, RematchChunk, RematchRun, RematchThresholdPart
from skills.models import Skill
from tests.factories import fresh_id_number
from tests.jobs.conftest import make_employer, make_posting
from tests.reliability.processes import broker_is_empty, celery_worker, needs_processes, purge_broker, wait_for

pytestmark = needs_processes

SEEKERS = 1500
CHUNK = 300  # five chunks


def market(tree: Any, people: Any) -> list[int]:
    """Seekers with two skills each, thirty postings asking for some of them, and one stale match per
    seeker (engine version "stale") that the run must replace."""
    from core import crypto

    rng = random.Random(17)
    skills = list(Skill.objects.filter(is_active=True).order_by("code")[:40])
    households = Household.objects.bulk_create(
        [
            Household(number=f"RM-{n:05d}", org_unit=tree.station_a, region_id="150624", address="乌兰镇")
            for n in range(SEEKERS)
        ]
    )
    members = []
    for household in households:
        number = fresh_id_number()
        members.append(
            Member(
                household=household,
                name="求职者",
                relation=Member.Relation.HEAD,
                id_number=number,
                id_number_hash=crypto.keyed_hash(number),
                sex="M",
                birth_date=timezone.localdate().replace(year=1985),
            )
        )
    members = Member.objects.bulk_create(members)
    MemberSkill.objects.bulk_create(
        [MemberSkill(member=m, phrase=s.name_zh, skill=s) for m in members for s in rng.sample(skills, 2)]
    )
    company = make_employer(people.eve, tree.county, name="利民煤业")
    postings = []
    for n in range(30):
        posting = make_posting(company, title=f"岗位{n}")
        PostingSkill.objects.bulk_create(
            [PostingSkill(posting=posting, phrase=s.name_zh, skill=s) for s in rng.sample(skills, 3)]
        )
        postings.append(posting)
    Match.objects.bulk_create(
        [
            Match(member=m, posting=postings[0], score=0.01, engine_version="stale", computed_at=timezone.now())
            for m in members
        ]
    )
    return [m.pk for m in members]


def run_state() -> tuple[str, list[str]]:
    run = RematchRun.objects.get()
    return run.state, list(run.chunks.values_list("state", flat=True))


def assert_every_chunk_ran_once() -> None:
    state, chunks = run_state()
    assert state == RematchRun.State.DONE, (state, chunks)
    assert chunks == [RematchChunk.State.DONE] * (SEEKERS // CHUNK)
    assert not Match.objects.filter(engine_version="stale").exists(), "a chunk's seekers kept stale matches"


def start_run(settings: Any) -> None:
    settings.MATCHING_CHUNK_SIZE = CHUNK
    services.forget_market()
    assert services.rematch_all() == SEEKERS // CHUNK


def stale() -> int:
    return Match.objects.filter(engine_version="stale").count()


def test_a_chunk_whose_pool_child_is_killed_runs_again(tree: Any, people: Any, settings: Any) -> None:
    market(tree, people)
    purge_broker()
    with celery_worker() as worker:
        start_run(settings)
        # A chunk has finished and the next one is running: kill the process running it.
        wait_for(
            lambda: (
                stale() < SEEKERS and RematchChunk.objects.filter(state="pending", started_at__isnull=False).exists()
            ),
            timeout=120,
            interval=0.01,
            what="a chunk to be running after one finished",
        )
        os.kill(worker.children()[0], signal.SIGKILL)
        wait_for(broker_is_empty, timeout=240, interval=0.5, what="every chunk to be run and acknowledged")
        assert stale() == 0, "the killed chunk's seekers kept stale matches"
    assert_every_chunk_ran_once()
    assert RematchChunk.objects.filter(attempts=2).count() == 1


def test_a_chunk_whose_whole_worker_died_is_sent_again_by_the_sweeper(tree: Any, people: Any, settings: Any) -> None:
    market(tree, people)
    purge_broker()
    with celery_worker() as worker:  # the default visibility timeout: the broker keeps the message
        start_run(settings)
        wait_for(
            lambda: RematchChunk.objects.filter(state="pending", started_at__isnull=False).exists(),
            timeout=120,
            interval=0.02,
            what="a chunk to be running",
        )
        worker.kill()
    purge_broker()  # what the dead worker held is gone too: only the sweeper can bring the chunks back
    assert run_state()[0] == RematchRun.State.RUNNING
    # The dead worker's database session ends when PostgreSQL notices (at once, or when the
    # statement it was running finishes); until then its chunk counts as running.
    pending = list(RematchChunk.objects.filter(state="pending").values_list("pk", flat=True))
    wait_for(
        lambda: all(lease_is_free(services.REMATCH_LEASE, pk) for pk in pending),
        timeout=60,
        interval=0.2,
        what="the killed worker's session to end",
    )
    sent = services.rematch_sweep(stale_after=0)
    assert sent.parts == [] and len(sent.chunks) == RematchChunk.objects.filter(state="pending").count() > 0
    with celery_worker():
        wait_for(lambda: run_state()[0] != RematchRun.State.RUNNING, timeout=240, interval=0.5, what="the run")
    assert_every_chunk_ran_once()


def test_threshold_parts_whose_messages_were_lost_are_sent_again_and_the_run_finishes(
    tree: Any, people: Any, settings: Any
) -> None:
    """The run's first phase on real workers: its threshold parts lost with the broker's queue
    before any worker took them; the sweeper sends them, and the last part sends the chunks."""
    market(tree, people)
    settings.REMATCH_THRESHOLD_PAIRS = 5000  # a few postings a part
    purge_broker()
    start_run(settings)
    run = RematchRun.objects.get()
    assert run.part_count > 1 and run.thresholds_at is None
    purge_broker()
    sent = services.rematch_sweep(stale_after=0)
    assert sent.chunks == [] and len(sent.parts) == run.part_count
    with celery_worker():
        wait_for(lambda: run_state()[0] != RematchRun.State.RUNNING, timeout=240, interval=0.5, what="the run")
    assert_every_chunk_ran_once()
    assert set(RematchThresholdPart.objects.values_list("state", "attempts")) == {("done", 1)}
