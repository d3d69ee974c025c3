"""A hire through jobs of a laid-off worker closes their open layoff path (issue 18): the case
closes as achieved with the worker re-employed from the start date, the plan's job goal is met and
linked, through the hook of ``jobs/hired.py`` after the hire commits. A hire of someone without a
path, a hire that rolls back, and a path closed by hand are left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from households.models import Household, Member, PlanGoal
from jobs import hired
from jobs.models import JobPosting, Placement
from relief.models import Case
from relief.restructuring import services, tasks
from relief.restructuring.models import Enterprise, LaidOffWorker
from tests.conftest import People
from tests.factories import MemberFactory, fresh_id_number
from tests.relief.conftest import plan_goal
from tests.relief.test_restructuring import LAID_OFF, TODAY, _batch, enterprise, hire, posting, workers

__all__ = ["enterprise", "posting", "workers"]  # fixtures shared with test_restructuring


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any, eager_tasks: Any) -> Any:
    def run() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return run


def _path(member: Member) -> LaidOffWorker:
    return LaidOffWorker.objects.select_related("case").get(member=member)


def test_restructuring_subscribes_to_hires() -> None:
    assert tasks.PLACED in hired.subscribers()


def test_a_hire_closes_the_workers_open_path_as_re_employed_and_meets_the_job_goal(
    people: People, enterprise: Enterprise, workers: list[Member], posting: JobPosting, on_commit: Any
) -> None:
    goal = plan_goal(workers[0].household, "job", member=workers[0])
    _batch(people, enterprise, workers[:2])
    start = TODAY - dt.timedelta(days=10)
    with on_commit():
        hire(posting, workers[0], people.eve, start)
    path = _path(workers[0])
    assert path.outcome == LaidOffWorker.Outcome.REEMPLOYED and path.working_since == start
    case = path.case
    assert case is not None
    assert case.state == Case.State.CLOSED and case.outcome == Case.Outcome.ACHIEVED
    assert case.closed_on == start and case.closed_by == people.hana  # the case's helper
    assert posting.employer.name in case.outcome_note
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET
    assert case.goal == goal
    # The other worker of the batch is still followed.
    other = _path(workers[1])
    assert other.outcome == "" and other.case is not None and other.case.is_open


def test_a_hire_without_an_open_path_does_nothing(
    people: People,
    enterprise: Enterprise,
    workers: list[Member],
    posting: JobPosting,
    household_a: Household,
    on_commit: Any,
) -> None:
    _batch(people, enterprise, workers[:2])
    outsider = MemberFactory(household=household_a, name="外人", id_number=fresh_id_number(), relation="other")
    with on_commit():
        placement = hire(posting, outsider, people.eve, TODAY)
    assert Case.objects.filter(state=Case.State.CLOSED).count() == 0
    assert not LaidOffWorker.objects.exclude(outcome="").exists()
    assert services.worker_placed(placement_id=placement.pk) == []
    assert services.worker_placed(placement_id=10**9) == []  # a placement gone: nothing


def test_a_hire_rolled_back_closes_nothing(
    people: People, enterprise: Enterprise, workers: list[Member], posting: JobPosting, on_commit: Any
) -> None:
    _batch(people, enterprise, workers[:1])
    with on_commit() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        hire(posting, workers[0], people.eve, TODAY)
        raise RuntimeError("the request failed after the hire")
    assert callbacks == []
    assert not Placement.objects.exists()
    path = _path(workers[0])
    assert path.outcome == "" and path.case is not None and path.case.is_open


def test_a_path_closed_by_hand_or_a_job_before_the_layoff_is_left_alone(
    people: People, enterprise: Enterprise, workers: list[Member], posting: JobPosting, on_commit: Any
) -> None:
    batch = _batch(people, enterprise, workers[:2])
    first = _path(workers[0])
    services.worker_record_outcome(worker=first, by=people.hana, outcome="internal_retirement")
    with on_commit():
        hire(posting, workers[0], people.eve, TODAY)
    first.refresh_from_db()
    assert first.outcome == "internal_retirement" and first.case is not None
    assert first.case.outcome == Case.Outcome.PARTLY  # as recorded by hand
    # A job that started before the layoff is not re-employment (as in the batch report).
    assert batch.laid_off_on == LAID_OFF
    second = hire(posting, workers[1], people.eve, TODAY)
    Placement.objects.filter(pk=second.pk).update(start_date=LAID_OFF - dt.timedelta(days=1))
    assert services.worker_placed(placement_id=second.pk) == []
    assert _path(workers[1]).outcome == ""


def test_the_task_is_idempotent(
    people: People, enterprise: Enterprise, workers: list[Member], posting: JobPosting
) -> None:
    _batch(people, enterprise, workers[:1])
    placement = hire(posting, workers[0], people.eve, TODAY)  # no commit here: the task is run by hand
    assert tasks.worker_placed(placement.pk) == 1
    assert tasks.worker_placed(placement.pk) == 0
    assert _path(workers[0]).outcome == LaidOffWorker.Outcome.REEMPLOYED
