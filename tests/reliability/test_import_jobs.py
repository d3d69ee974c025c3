"""Finding 3 (in-process) and issue 12's finding 10: import jobs that lost their worker are found and
re-queued or given up with a reason, a failed one can be retried from its page, a run started
twice ends once, and the size and rows of an upload are bounded before and while reading it."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core.errors import Conflict, InvalidInput
from core.models import OutboxMessage
from households import importing
from households import spreadsheet as sheet
from households.models import Household, ImportJob
from tests.households.test_import import household_row, member_row, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_mode() -> Any:
    """Tasks go through the outbox as with a real broker (no relay thread: nothing is sent)."""
    from web.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with mock.patch("core.outbox.wake"):
        yield
    app.conf.task_always_eager = before


def queued(task: str) -> list[list[Any]]:
    return [m.args for m in OutboxMessage.objects.filter(task_name=task)]


def a_job(tree: Any, people: Any, **values: Any) -> ImportJob:
    data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
    job = ImportJob(uploaded_by=people.alice, org_unit=tree.station_a, original_name="a.xlsx", **values)
    job.file.save("import.xlsx", ContentFile(data), save=False)
    job.save()
    return job


# --- the sweeper ---------------------------------------------------------------------------------------


def test_a_job_whose_worker_died_is_queued_again_by_the_sweeper(tree: Any, people: Any, broker_mode: Any) -> None:
    job = a_job(tree, people, status=ImportJob.Status.CHECKING, attempts=1, heartbeat_at=timezone.now())

    swept = importing.import_sweep(stale_after=0)

    job.refresh_from_db()
    assert swept.requeued == [job.pk]
    assert job.status == ImportJob.Status.QUEUED
    assert "queued again" in job.message
    assert queued("households.import_archive") == [[job.pk]]


def test_a_job_that_lost_its_worker_too_often_fails_with_a_reason_and_nothing_written(
    tree: Any, people: Any, broker_mode: Any, settings: Any
) -> None:
    job = a_job(tree, people, status=ImportJob.Status.WRITING, attempts=settings.IMPORT_MAX_ATTEMPTS)

    swept = importing.import_sweep(stale_after=0)

    job.refresh_from_db()
    assert swept.failed == [job.pk]
    assert job.status == ImportJob.Status.FAILED
    assert "stopped 3 times" in job.message and "nothing was written" in job.message
    assert not OutboxMessage.objects.exists()
    assert not Household.objects.exists()


def test_the_sweeper_leaves_jobs_that_show_progress_or_wait_in_the_queue_alone(
    tree: Any, people: Any, broker_mode: Any
) -> None:
    a_job(tree, people, status=ImportJob.Status.QUEUED)
    a_job(tree, people, status=ImportJob.Status.DONE)
    swept = importing.import_sweep()  # the default staleness: ten minutes
    assert (swept.requeued, swept.failed) == ([], [])
    assert not OutboxMessage.objects.exists()


def test_a_job_queued_long_ago_is_queued_again(tree: Any, people: Any, broker_mode: Any) -> None:
    job = a_job(tree, people, status=ImportJob.Status.QUEUED)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert importing.import_sweep().requeued == [job.pk]


# --- running twice, and past the limit ------------------------------------------------------------------


def test_a_second_delivery_of_a_finished_job_changes_nothing(tree: Any, people: Any, eager_tasks: Any) -> None:
    data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
    job = importing.import_start(
        by=people.alice, org_unit=tree.station_a, upload=ContentFile(data, name="a.xlsx"), mode="all_or_nothing"
    )
    job = importing.import_run(job.pk)
    assert job.status == ImportJob.Status.DONE
    again = importing.import_run(job.pk)
    assert (again.status, again.attempts, again.households_created) == (ImportJob.Status.DONE, 1, 1)
    assert Household.objects.count() == 1


def test_a_run_beyond_the_attempt_limit_gives_up_instead_of_importing(
    tree: Any, people: Any, settings: Any, broker_mode: Any
) -> None:
    job = a_job(tree, people, status=ImportJob.Status.QUEUED, attempts=settings.IMPORT_MAX_ATTEMPTS)
    job = importing.import_run(job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert "given up" in job.message
    assert not Household.objects.exists()


def test_the_same_file_uploaded_again_says_when_it_was_imported(tree: Any, people: Any, broker_mode: Any) -> None:
    data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
    first = importing.import_start(
        by=people.alice, org_unit=tree.station_a, upload=ContentFile(data, name="a.xlsx"), mode="good_rows"
    )
    assert importing.import_run(first.pk).status == ImportJob.Status.DONE
    second = importing.import_start(
        by=people.alice, org_unit=tree.station_a, upload=ContentFile(data, name="a.xlsx"), mode="good_rows"
    )
    second = importing.import_run(second.pk)
    assert f"This file was imported before (import {first.pk} on" in second.message
    assert "1 households, 1 members" in second.message
    assert Household.objects.count() == 1


# --- retrying by hand ----------------------------------------------------------------------------------


def test_an_organizer_retries_a_failed_import_from_its_page(
    client: Any, tree: Any, people: Any, broker_mode: Any
) -> None:
    job = a_job(tree, people, status=ImportJob.Status.FAILED, attempts=3, message="stopped")
    client.force_login(people.alice)
    page = client.get(reverse("households:import_job", args=[job.pk]))
    assert reverse("households:import_retry", args=[job.pk]) in page.content.decode()

    response = client.post(reverse("households:import_retry", args=[job.pk]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportJob.Status.QUEUED, 0)
    assert queued("households.import_archive") == [[job.pk]]


def test_only_a_failed_import_can_be_retried(tree: Any, people: Any, broker_mode: Any) -> None:
    job = a_job(tree, people, status=ImportJob.Status.DONE)
    with pytest.raises(Conflict):
        importing.import_retry(job=job, by=people.alice)
    assert not OutboxMessage.objects.exists()


def test_a_helper_of_another_unit_cannot_retry(client: Any, tree: Any, people: Any, broker_mode: Any) -> None:
    job = a_job(tree, people, status=ImportJob.Status.FAILED)
    client.force_login(people.bob)  # organizer of town B: the job is in town A
    assert client.post(reverse("households:import_retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


# --- bounded before and while reading (issue 12, finding 10) ----------------------------------------------


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(tree: Any, people: Any, settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024

    class Upload:  # as Django hands an uploaded file over: its size is known before reading
        name, size = "big.xlsx", 1024 * 1024 + 1

        def read(self, *args: Any) -> bytes:
            raise AssertionError("the upload was read")

    with pytest.raises(InvalidInput) as error:
        importing.import_start(by=people.alice, org_unit=tree.station_a, upload=Upload(), mode="all_or_nothing")
    assert "larger than 1 MB" in error.value.message
    assert error.value.field == "file"
    assert not ImportJob.objects.exists()


def test_a_file_that_unpacks_to_too_much_is_refused_at_once(tree: Any, people: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(importing, "MAX_UNPACKED_BYTES", 10_000)
    data = workbook_bytes([household_row(f"H-{n}") for n in range(300)], [])
    with pytest.raises(InvalidInput, match="too large once unpacked"):
        importing.import_start(
            by=people.alice, org_unit=tree.station_a, upload=ContentFile(data, name="a.xlsx"), mode="all_or_nothing"
        )
    assert not ImportJob.objects.exists()


def test_the_import_page_refuses_a_large_upload_with_the_reason(
    client: Any, people: Any, tree: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(people.alice)
    data = workbook_bytes([household_row("H-001")], [member_row("H-001")])
    response = client.post(
        reverse("households:import"),
        {"file": ContentFile(data, name="a.xlsx"), "org_unit": tree.station_a.pk, "mode": "all_or_nothing"},
    )
    assert response.status_code == 400
    assert "请拆分成较小的文件" in response.content.decode()  # the page speaks Chinese by default
    assert not ImportJob.objects.exists()


def test_rows_are_counted_while_reading_and_the_reading_stops_at_the_cap(monkeypatch: Any) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 50)
    workbook = Workbook(write_only=True)
    households = workbook.create_sheet(sheet.HOUSEHOLD_SHEET)
    households.append([c.header for c in sheet.HOUSEHOLD_COLUMNS])
    for n in range(1000):
        households.append([f"H-{n}"])
    members = workbook.create_sheet(sheet.MEMBER_SHEET)
    members.append([c.header for c in sheet.MEMBER_COLUMNS])
    out = BytesIO()
    workbook.save(out)
    opened = importing.open_workbook(out.getvalue())
    read = 0
    original = opened[sheet.HOUSEHOLD_SHEET].iter_rows

    def counting_rows(*args: Any, **kwargs: Any) -> Any:
        nonlocal read
        for row in original(*args, **kwargs):
            read += 1
            yield row

    monkeypatch.setattr(opened[sheet.HOUSEHOLD_SHEET], "iter_rows", counting_rows)
    problems: list[Any] = []
    budget = importing._RowBudget()
    with pytest.raises(InvalidInput, match="At most 50 rows per file"):
        list(importing._rows(opened, sheet.HOUSEHOLD_SHEET, sheet.HOUSEHOLD_COLUMNS, problems, budget))
    assert read == 52  # the header, 50 rows, and the one too many: not the 1,000
