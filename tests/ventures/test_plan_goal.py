"""A funded venture (a union loan paid out) meets the plan's venture goal."""

from __future__ import annotations

from typing import Any

import pytest

from households.models import PlanGoal
from tests.factories import PlanGoalFactory, ReliefPlanFactory
from tests.ventures.conftest import disbursed

pytestmark = pytest.mark.django_db


def test_a_loan_paid_out_meets_the_open_venture_goal(world: Any, people: Any, products: Any) -> None:
    plan = ReliefPlanFactory(household=world.wang.household)
    goal = PlanGoalFactory(plan=plan, track="venture", title="自主创业")
    disbursed(world, people, products["free"])
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET and "王记牛肉面" in goal.evidence
