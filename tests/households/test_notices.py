"""The archive tells its staff: an exit request to the organizers who approve it, its decision to
the helper, visits due this week, plan reviews and goals and measures falling due (each once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from households import reminders, services
from households.models import Household, PlanGoal
from notifications.models import Delivery, Notification
from notifications.services import reminders_send

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def told(user: Any, kind: str) -> list[dict[str, Any]]:
    return [n.context for n in Notification.objects.filter(recipient=user, kind=kind).order_by("pk")]


@pytest.fixture
def plan(people: Any, household_a: Household) -> Any:
    return services.plan_create(
        household=household_a,
        by=people.hana,
        summary="就业脱困",
        goals=[services.GoalInput(track="job", title="户主稳定就业", due_on=MONDAY + dt.timedelta(days=3))],
        review_on=MONDAY + dt.timedelta(days=5),
    )


def test_an_exit_request_waits_with_the_organizers_above_and_its_decision_reaches_the_helper(
    people: Any, household_a: Household, plan: Any
) -> None:
    services.goal_set_status(goal=plan.goals.get(), by=people.hana, status=PlanGoal.Status.MET, evidence="劳动合同")
    request = services.exit_request(household=household_a, by=people.hana, reason="户主已签订劳动合同")
    # Station A's household: the organizers of the nearest unit above with any (town A: Olga).
    assert told(people.olga, "exit.waiting") == [{"household": household_a.number}]
    assert told(people.alice, "exit.waiting") == []  # the county is further up
    assert told(people.bob, "exit.waiting") == []  # beside, not above
    waiting = Notification.objects.get(kind="exit.waiting")
    assert not Delivery.objects.filter(notification=waiting).exists()  # staff: one daily digest instead

    services.exit_decide(request=request, by=people.olga, approve=True)
    assert [c["verdict"] for c in told(people.hana, "exit.decided")] == ["approved"]


def test_visits_due_this_week_reach_each_helper_once_a_week(people: Any, household_a: Household) -> None:
    Household.objects.filter(pk=household_a.pk).update(next_visit_due=MONDAY + dt.timedelta(days=4))
    assert reminders.visits_due_send(today=MONDAY) == 1
    assert reminders.visits_due_send(today=MONDAY + dt.timedelta(days=1)) == 0  # the same week
    [visits] = told(people.hana, "visits.due")
    assert visits == {"count": 1, "until": "2026-03-08", "households": household_a.number}
    assert reminders.visits_due_send(today=MONDAY + dt.timedelta(days=7)) == 1  # overdue by next week: again


def test_plan_reviews_and_items_due_are_told_once(people: Any, household_a: Household, plan: Any) -> None:
    sent = reminders.plan_reminders_send(today=MONDAY)
    assert sent == 2
    assert told(people.hana, "plan.review") == [{"household": household_a.number, "day": "2026-03-07"}]
    [items] = told(people.hana, "plan.items_due")
    assert items["count"] == 1 and items["items"] == "户主稳定就业"
    assert reminders.plan_reminders_send(today=MONDAY + dt.timedelta(days=1)) == 0


def test_the_daily_beat_runs_every_registered_reminder_and_a_failing_one_does_not_stop_the_rest(
    people: Any, household_a: Household, plan: Any
) -> None:
    from notifications import registry

    def broken(today: dt.date) -> int:
        raise RuntimeError("a reminder with a bug")

    registry.reminder("test.broken")(broken)
    try:
        results = reminders_send(today=MONDAY)
    finally:
        registry.unregister_reminder("test.broken")
    assert results["test.broken"] == -1
    assert results["households.plans_due"] == 2
    assert {"ventures.instalments_due", "fairs.tomorrow", "training.cohorts_starting", "matching.new_matches"} <= set(
        results
    )
