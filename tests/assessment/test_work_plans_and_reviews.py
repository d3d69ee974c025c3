"""Units' work plans with tasks (owner, deadline, status, progress; overdue on the owner's list) and the
yearly household review (复核) whose completion is an indicator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from assessment import selectors, services
from assessment.models import HouseholdReview, WorkPlan, WorkTask
from assessment.periods import Period
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from households.models import Household
from tests.assessment.conftest import households
from tests.conftest import People, Tree

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def in_year(days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    return day if day.year == YEAR else (dt.date(YEAR, 12, 31) if days > 0 else dt.date(YEAR, 1, 1))


@pytest.fixture
def plan(coded: Tree, people: People) -> WorkPlan:
    return services.work_plan_save(by=people.olga, year=YEAR, title="乌兰镇工作计划")


@pytest.mark.parametrize(
    ("owner", "deadline", "title", "field"),
    [
        ("bob", 10, "任务", "owner"),  # outside the plan's unit
        ("wang", 10, "任务", "owner"),  # a worker owns no task
        ("hana", None, "任务", "deadline"),
        ("hana", 10, " ", "title"),
        ("hana", 400, "任务", "deadline"),  # another year
    ],
)
def test_a_bad_task_is_refused(
    plan: WorkPlan, people: People, owner: str, deadline: Any, title: str, field: str
) -> None:
    day = (
        None
        if deadline is None
        else (timezone.localdate() + dt.timedelta(days=deadline) if deadline == 400 else in_year(deadline))
    )
    with pytest.raises(InvalidInput) as refused:
        services.task_add(
            by=people.olga, plan=plan, kind="measure", title=title, owner=getattr(people, owner), deadline=day
        )
    assert refused.value.field == field
    assert not WorkTask.objects.exists()


def test_only_the_units_organizers_and_those_above_manage_its_plan(plan: WorkPlan, people: People) -> None:
    with pytest.raises(NotFound):  # the town is above the helper's station: out of her reach
        services.task_add(
            by=people.hana, plan=plan, kind="measure", title="自己加", owner=people.hana, deadline=in_year(5)
        )
    with pytest.raises(Forbidden):  # the county's auditor reads, never writes
        services.task_add(
            by=people.aude, plan=plan, kind="measure", title="审计", owner=people.hana, deadline=in_year(5)
        )
    with pytest.raises(NotFound):
        services.task_add(
            by=people.bob, plan=plan, kind="measure", title="越界", owner=people.hana, deadline=in_year(5)
        )
    task = services.task_add(
        by=people.alice, plan=plan, kind="project", title="县里交办", owner=people.hana, deadline=in_year(5)
    )
    assert task.plan == plan and not WorkTask.objects.exclude(pk=task.pk).exists()


def test_the_owner_reports_progress_but_only_the_organizers_cancel_or_move_the_deadline(
    plan: WorkPlan, people: People
) -> None:
    task = services.task_add(
        by=people.olga, plan=plan, kind="measure", title="复核", owner=people.hana, deadline=in_year(3)
    )
    task = services.task_update(by=people.hana, task=task, status="in_progress", progress=30, progress_note="完成三成")
    assert (task.status, task.progress) == ("in_progress", 30)
    with pytest.raises(Forbidden):
        services.task_update(by=people.hana, task=task, status="cancelled", progress=30)
    with pytest.raises(Forbidden):
        services.task_update(by=people.hana, task=task, status="in_progress", progress=30, deadline=in_year(30))
    with pytest.raises(InvalidInput):
        services.task_update(by=people.hana, task=task, status="in_progress", progress=130)
    with pytest.raises(NotFound):
        services.task_update(by=people.bob, task=task, status="done", progress=100)
    task.refresh_from_db()
    assert (task.status, task.progress, task.deadline) == ("in_progress", 30, in_year(3))
    done = services.task_update(by=people.hana, task=task, status="done", progress=10)
    assert (done.progress, done.done_on) == (100, timezone.localdate())


def test_overdue_tasks_lead_the_owners_list(plan: WorkPlan, people: People) -> None:
    today = timezone.localdate()
    if today.month == 1 and today.day == 1:
        pytest.skip("no day of this year is past on 1 January")
    late = services.task_add(
        by=people.olga,
        plan=plan,
        kind="measure",
        title="逾期",
        owner=people.hana,
        deadline=today - dt.timedelta(days=1),
    )
    services.task_add(
        by=people.olga, plan=plan, kind="measure", title="未到期", owner=people.hana, deadline=in_year(20)
    )
    mine = list(selectors.my_tasks(people.hana))
    assert mine[0] == late and late.is_overdue_on(today)
    assert list(selectors.overdue_tasks()) == [late]
    services.task_update(by=people.hana, task=late, status="done", progress=100)
    assert not selectors.overdue_tasks().exists()


def review(by: Any, household: Household, **kwargs: Any) -> HouseholdReview:
    values: dict[str, Any] = {
        "outcome": "continue",
        "causes_checked": True,
        "income_checked": True,
        "plan_checked": True,
    }
    values.update(kwargs)
    return services.review_record(by=by, household=household, **values)


def test_the_yearly_review_is_recorded_once_per_household_and_year(
    coded: Tree, people: People, household_a: Household
) -> None:
    first = review(people.hana, household_a)
    again = review(people.olga, household_a, outcome="update", note="收入提高")
    assert first.pk == again.pk and HouseholdReview.objects.count() == 1
    assert again.history.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"income_checked": False}, InvalidInput),
        ({"outcome": "propose_exit"}, InvalidInput),  # a change needs a note
        ({"outcome": "maybe"}, InvalidInput),
        ({"reviewed_on": timezone.localdate() + dt.timedelta(days=2)}, InvalidInput),
    ],
)
def test_an_incomplete_review_is_refused(
    coded: Tree, people: People, household_a: Household, kwargs: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        review(people.hana, household_a, **kwargs)
    assert not HouseholdReview.objects.exists()


def test_only_active_households_in_reach_are_reviewed(coded: Tree, people: People, household_b: Household) -> None:
    with pytest.raises(NotFound):
        review(people.hana, household_b)
    [draft] = households(coded.station_a, 1, state=Household.State.DRAFT, activated_on=None)
    with pytest.raises(Conflict):
        review(people.hana, draft)
    with pytest.raises(Forbidden):
        review(people.aude, household_b)
    assert not HouseholdReview.objects.exists()


def test_the_reviews_completion_is_an_indicator_by_unit(coded: Tree, people: People, household_a: Household) -> None:
    households(coded.station_a, 3)
    review(people.hana, household_a)
    table = selectors.review_units(people.olga, coded.town_a, YEAR)
    figure = table.figure(coded.town_a, "reviews_done")
    assert (figure.numerator, figure.denominator, figure.value) == (1, 4, 25)
    worklist = selectors.review_worklist_for(people.olga, year=YEAR, unit=coded.town_a)
    assert household_a not in worklist and worklist.count() == 3
    assert Period.year(YEAR).as_of == timezone.localdate()
