"""Finding 3: a Celery worker killed while it imports the archive.

Each test starts a real ``celery worker`` against the test database and the test broker, starts an
import, kills the worker (or its pool child) with SIGKILL at a chosen moment, and checks that the
import still ends exactly once: every household written once, the job "done" with the right counts.
Before the fix the job stayed "checking" or "writing" for good, or said "writing, 0 created" over
rows that were in fact written."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest
from django.core.files.base import ContentFile

from core import outbox
from households import importing
from households.models import Household, ImportJob, Member
from tests.households.test_import import household_row, member_row, workbook_bytes
from tests.reliability.processes import broker_is_empty, celery_worker, needs_processes, purge_broker, wait_for

pytestmark = needs_processes

HOUSEHOLDS = 2500
# Short enough that a restarted worker gets back the message a killed one held.
VISIBILITY = {"CELERY_VISIBILITY_TIMEOUT": "2"}


@pytest.fixture(scope="module")
def big_file() -> bytes:
    numbers = [f"K-{n:05d}" for n in range(HOUSEHOLDS)]
    return workbook_bytes(
        [household_row(number) for number in numbers],
        [member_row(number, skills="电焊、叉车") for number in numbers],
    )


def start(people: Any, tree: Any, data: bytes) -> ImportJob:
    job = importing.import_start(
        by=people.alice, org_unit=tree.station_a, upload=ContentFile(data, name="big.xlsx"), mode="all_or_nothing"
    )
    outbox.relay()  # hand the task to the broker now (the relay thread would do it a moment later)
    return job


def job_of(job: ImportJob) -> ImportJob:
    return ImportJob.objects.get(pk=job.pk)


def assert_imported_once(job: ImportJob) -> None:
    job = job_of(job)
    assert job.status == ImportJob.Status.DONE, (job.status, job.message)
    assert (job.households_created, job.members_created) == (HOUSEHOLDS, HOUSEHOLDS)
    assert Household.objects.count() == HOUSEHOLDS
    assert Member.objects.count() == HOUSEHOLDS


def test_a_pool_child_killed_while_checking_is_run_again_and_finishes(tree: Any, people: Any, big_file: bytes) -> None:
    purge_broker()
    with celery_worker() as worker:
        job = start(people, tree, big_file)
        wait_for(lambda: job_of(job).processed_rows > 0, timeout=60, what="the check to start")
        children = worker.children()
        assert children, "the prefork worker has no pool child"
        os.kill(children[0], signal.SIGKILL)
        # The message goes back to the queue; the worker's next child runs the job again.
        wait_for(lambda: job_of(job).is_finished, timeout=180, interval=0.5, what="the import to finish")
    assert_imported_once(job)
    assert job_of(job).attempts == 2


def test_a_worker_killed_while_writing_leaves_nothing_and_a_restarted_worker_finishes(
    tree: Any, people: Any, big_file: bytes
) -> None:
    purge_broker()
    with celery_worker(**VISIBILITY) as worker:
        job = start(people, tree, big_file)
        wait_for(lambda: job_of(job).status == ImportJob.Status.WRITING, timeout=120, interval=0.02, what="the write")
        worker.kill()
    assert Household.objects.count() == 0  # the write's transaction died with the worker
    assert job_of(job).status == ImportJob.Status.WRITING
    with celery_worker(**VISIBILITY):
        wait_for(lambda: job_of(job).is_finished, timeout=180, interval=0.5, what="the import to finish")
    assert_imported_once(job)
    assert job_of(job).attempts == 2


def test_a_worker_killed_just_after_the_rows_committed_leaves_the_job_done_with_its_counts(
    tree: Any, people: Any, big_file: bytes
) -> None:
    purge_broker()
    with celery_worker(**VISIBILITY) as worker:
        job = start(people, tree, big_file)
        wait_for(lambda: Household.objects.exists(), timeout=180, interval=0.01, what="the rows to be committed")
        worker.kill()
    # The job's "done" and its counts were committed with the rows.
    assert_imported_once(job)
    # A worker that gets the message again (the killed one never acknowledged it) leaves it so.
    with celery_worker(**VISIBILITY):
        wait_for(broker_is_empty, timeout=60, interval=0.2, what="the message to be delivered again and answered")
    assert importing.import_run(job.pk).status == ImportJob.Status.DONE
    assert_imported_once(job)
