"""The archive's reminders from due dates (run daily by ``notifications.send_reminders``): each
helper's visits due this week, plan reviews and plan goals and measures falling due. Idempotent:
each notification's key names the week or the date it is about, so a second run sends nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from households import notices
from households.models import Household, Pairing, PlanGoal, PlanMeasure, ReliefPlan
from notifications.services import Notice, notify, notify_each

# How far ahead plan reviews, goals and measures are announced.
PLAN_DAYS_AHEAD = 7


def _week(today: dt.date) -> tuple[str, dt.date]:
    year, week, _day = today.isocalendar()
    sunday = today + dt.timedelta(days=7 - today.isoweekday())
    return f"{year}-W{week:02d}", sunday


def _helpers(household_ids: set[int]) -> dict[int, int]:
    """household id → its current responsible helper's user id."""
    return dict(
        Pairing.objects.filter(household_id__in=household_ids, ended_on__isnull=True).values_list(
            "household_id", "helper_id"
        )
    )


def visits_due_send(*, today: dt.date | None = None) -> int:
    """Each helper, once a week: how many of their households are due a visit by Sunday (overdue
    ones included), naming the first few."""
    today = today or timezone.localdate()
    week, sunday = _week(today)
    due = list(
        Household.objects.filter(state=Household.State.ACTIVE, next_visit_due__lte=sunday)
        .order_by("next_visit_due", "pk")
        .values_list("pk", "number", "org_unit_id")
    )
    helpers = _helpers({pk for pk, _n, _u in due})
    mine: dict[int, list[str]] = defaultdict(list)
    for pk, number, _unit in due:
        if pk in helpers:
            mine[helpers[pk]].append(number)
    units = dict(User.objects.filter(pk__in=list(mine)).values_list("pk", "org_unit_id"))
    link = reverse("households:list") + "?overdue_visit=1"
    with transaction.atomic():
        made = notify_each(
            notices.VISITS_DUE.code,
            [
                Notice(
                    helper,
                    {"count": len(numbers), "until": sunday.isoformat(), "households": ", ".join(numbers[:10])},
                    link,
                    f"visits:{week}",
                    unit=units.get(helper),
                )
                for helper, numbers in mine.items()
            ],
        )
    return len(made)


def plan_reminders_send(*, today: dt.date | None = None) -> int:
    """Plan reviews within a week (once per plan and date) and each household's open goals and
    measures due within a week or overdue (once a week per household), to its helper."""
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=PLAN_DAYS_AHEAD)
    week, _sunday = _week(today)
    sent = 0
    reviews = list(
        ReliefPlan.objects.filter(
            status=ReliefPlan.Status.ACTIVE, review_on__gte=today, review_on__lte=until
        ).select_related("household")
    )
    goals = PlanGoal.objects.filter(
        plan__status=ReliefPlan.Status.ACTIVE, due_on__lte=until, plan__household__state=Household.State.ACTIVE
    ).exclude(status=PlanGoal.Status.MET)
    measures = PlanMeasure.objects.filter(
        Q(plan__status=ReliefPlan.Status.ACTIVE)
        & Q(due_on__lte=until)
        & Q(plan__household__state=Household.State.ACTIVE)
    ).exclude(status__in=[PlanMeasure.Status.DONE, PlanMeasure.Status.CANCELLED])
    items: dict[int, list[str]] = defaultdict(list)
    for household_id, title in goals.values_list("plan__household_id", "title"):
        items[household_id].append(title)
    for household_id, description in measures.values_list("plan__household_id", "description"):
        items[household_id].append(description)
    households = {h.pk: h for h in Household.objects.filter(pk__in=set(items) | {p.household_id for p in reviews})}
    helpers = _helpers(set(households))
    with transaction.atomic():
        for plan in reviews:
            household = plan.household
            sent += len(
                notify(
                    [helpers.get(household.pk)],
                    notices.PLAN_REVIEW.code,
                    {"household": household.number, "day": plan.review_on.isoformat() if plan.review_on else ""},
                    reverse("households:detail", args=[household.pk]),
                    key=f"plan:{plan.pk}:review:{plan.review_on}",
                    unit=household.org_unit,
                )
            )
        for household_id, titles in items.items():
            household = households[household_id]
            sent += len(
                notify(
                    [helpers.get(household_id)],
                    notices.PLAN_ITEMS_DUE.code,
                    {
                        "household": household.number,
                        "count": len(titles),
                        "until": until.isoformat(),
                        "items": "; ".join(t[:40] for t in titles[:5]),
                    },
                    reverse("households:detail", args=[household_id]),
                    key=f"plan-items:{household_id}:{week}",
                    unit=household.org_unit,
                )
            )
    return sent
